import { zipSync } from 'fflate';

/** A file the user picked or dropped, with its bytes. */
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

const STEP_NAME = /\.(stp|step|p21)$/i;
const baseName = (name: string) => (name.split(/[\\/]/).pop() ?? name).trim().toLowerCase();

/** The files a STEP file names in DOCUMENT_FILE entities (a multi-file assembly's part files), lower-cased base names. */
export function stepDocumentFiles(bytes: Uint8Array): string[] {
  const text = new TextDecoder('latin1').decode(bytes);
  return [...text.matchAll(/DOCUMENT_FILE\s*\(\s*'([^']*)'/gi)].map((m) => baseName(m[1] ?? '')).filter(Boolean);
}

/**
 * Several files picked or dropped together that form a multi-file STEP assembly (one names
 * another in a DOCUMENT_FILE) go to the library as one zip named after the master, the file no
 * other one names; the files that are not part of it stay as they are. Entries carry a fixed
 * date so the same files make the same zip (the library deduplicates by content).
 */
export function bundleStepAssemblies(files: PickedFile[]): PickedFile[] {
  const steps = files.filter((f) => STEP_NAME.test(f.name));
  if (steps.length < 2) return files;
  const given = new Set(steps.map((f) => baseName(f.name)));
  const references = new Map(steps.map((f) => [f, stepDocumentFiles(f.bytes).filter((r) => given.has(r))]));
  const named = new Set([...references.values()].flat());
  const masters = steps.filter((f) => (references.get(f)?.length ?? 0) > 0 && !named.has(baseName(f.name)));
  const master = masters.sort((a, b) => a.name.localeCompare(b.name))[0];
  if (!master) return files;
  // The master and everything it reaches, directly or through sub-assemblies.
  const members = new Set<PickedFile>([master]);
  const byName = new Map(steps.map((f) => [baseName(f.name), f]));
  const queue = [master];
  for (let file = queue.pop(); file; file = queue.pop()) {
    for (const reference of references.get(file) ?? []) {
      const target = byName.get(reference);
      if (target && !members.has(target)) {
        members.add(target);
        queue.push(target);
      }
    }
  }
  const mtime = new Date('1980-01-01T00:00:00Z');
  const zip = zipSync(Object.fromEntries([...members].sort((a, b) => a.name.localeCompare(b.name)).map((f) => [f.name, [f.bytes, { mtime }]])));
  const zipName = `${master.name.replace(STEP_NAME, '')}.zip`;
  return [{ name: zipName, bytes: zip }, ...files.filter((f) => !members.has(f))];
}
