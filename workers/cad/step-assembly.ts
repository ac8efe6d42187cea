import path from 'node:path';
import type { Node } from '@gltf-transform/core';
import type { OcctResult } from 'occt-import-js';
import { CadIngestError } from './errors';
import { GlbBuilder } from './glb-builder';
import { addOcctScene, readWithOcct, stepLengthUnits, type StepOptions, type StepParse } from './parse-step';
import { documentBaseName, readStepStructure, type Mat4, type StepStructure } from './step-structure';

/** Millimetres per STEP length unit (as stepLengthUnits names them). */
const MM_PER_UNIT: Record<string, number> = { mm: 1, cm: 10, dm: 100, m: 1000, km: 1e6, 'µm': 0.001, nm: 1e-6, in: 25.4, ft: 304.8, yd: 914.4, mil: 0.0254 };

const isStep = (data: Buffer) => /^\s*ISO-10303-21;/.test(data.toString('latin1', 0, 64).replace(/^\uFEFF|^\xef\xbb\xbf/, ''));

/** The external files a STEP file names for its products' shapes (DOCUMENT_FILE), in order, once each. */
export function externalReferences(data: Buffer): string[] {
  if (!data.includes('DOCUMENT_FILE', 0, 'latin1')) return [];
  return [...new Set(readStepStructure(data, 1).documents.values())];
}

interface SetFile {
  name: string;
  data: Buffer;
  structure: StepStructure;
  references: string[];
  /** Metres per unit of the file's placements. */
  unitMetres: number;
}

/** Files are matched by base name, case-insensitively; a reference may omit the extension. */
function lookup(files: Map<string, SetFile>, reference: string): SetFile | undefined {
  const key = documentBaseName(reference).toLowerCase();
  return files.get(key) ?? [...files.values()].find((f) => path.parse(f.name).name.toLowerCase() === key);
}

/**
 * A multi-file STEP assembly (AP214/AP242 external references): the master file's products name
 * the files that hold their shapes (DOCUMENT_FILE). The references are resolved against the
 * files given, each referenced file is tessellated by OpenCascade once, and every occurrence is a
 * node placed by the assembly's transforms, named after its product.
 */
export async function parseStepSet(given: Map<string, Buffer>, setName: string, options: StepOptions): Promise<StepParse> {
  const files = new Map<string, SetFile>();
  for (const [name, data] of given) {
    if (!isStep(data)) continue;
    const unit = stepLengthUnits(data)[0] ?? 'mm';
    const unitMetres = (MM_PER_UNIT[unit] ?? 1) * 0.001;
    const structure = readStepStructure(data, unitMetres);
    files.set(name.toLowerCase(), { name, data, structure, references: [...new Set(structure.documents.values())], unitMetres });
  }
  if (files.size === 0) {
    throw new CadIngestError('UNKNOWN_FORMAT', setName, `holds no STEP file (files found: ${[...given.keys()].join(', ') || 'none'}); a folder or .zip is imported as a multi-file STEP assembly`);
  }
  const referenced = new Set<SetFile>();
  for (const file of files.values()) for (const reference of file.references) {
    const target = lookup(files, reference);
    if (target && target !== file) referenced.add(target);
  }
  const tops = [...files.values()].filter((f) => !referenced.has(f));
  const masters = tops.filter((f) => f.references.length > 0);
  if (masters.length === 0 && files.size > 1) {
    throw new CadIngestError('CORRUPT', setName, `holds ${files.size} STEP files (${[...files.values()].map((f) => f.name).join(', ')}) but none of them references the others: it is not a multi-file assembly; import the files one by one`);
  }
  if (masters.length > 1) {
    throw new CadIngestError('CORRUPT', setName, `holds ${masters.length} top-level STEP assemblies (${masters.map((f) => f.name).join(', ')}); give one assembly at a time`);
  }
  const master = masters[0] ?? [...files.values()][0];
  if (!master) throw new CadIngestError('UNKNOWN_FORMAT', setName, 'holds no STEP file');

  // Every missing file, found before any tessellation, each named with the file that references it.
  const missing: string[] = [];
  const seen = new Set<SetFile>();
  const walk = (file: SetFile) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const reference of file.references) {
      const target = lookup(files, reference);
      if (target) walk(target);
      else missing.push(`${file.name} references ${reference}, which was not given`);
    }
  };
  walk(master);
  if (missing.length > 0) {
    throw new CadIngestError('MISSING_REFERENCE', setName, `${missing.join('; ')}; give every file of the assembly together (a folder or a .zip)`);
  }

  const builder = new GlbBuilder();
  const tessellated = new Map<SetFile, OcctResult>();
  const notes: string[] = [];
  const unused = [...files.values()].filter((f) => !seen.has(f)).map((f) => f.name);
  if (unused.length > 0) notes.push(`not part of the assembly ${master.name}, left out: ${unused.join(', ')}`);

  /** The content of `file` under `parent`: its own assembly tree, or its tessellated shape. */
  const placeFile = async (file: SetFile, parent: Node, chain: string[]): Promise<void> => {
    if (chain.includes(file.name)) throw new CadIngestError('CORRUPT', setName, `the assembly references itself: ${[...chain, file.name].join(' → ')}`);
    if (file.references.length > 0) {
      const roots = file.structure.roots;
      // A sub-assembly file's single top product is the occurrence the parent already named.
      if (roots.length === 1 && roots[0] !== undefined) await placeChildren(file, roots[0], parent, [...chain, file.name]);
      else for (const root of roots) await placeProduct(file, root, parent, null, [...chain, file.name]);
      return;
    }
    let result = tessellated.get(file);
    if (!result) {
      result = await readWithOcct('step', file.data, file.name, options);
      tessellated.set(file, result);
    }
    if (result.meshes.length === 0) notes.push(`${file.name} holds no shape`);
    addOcctScene(builder, result, parent, 0.001, path.parse(file.name).name);
  };
  const placeChildren = async (file: SetFile, pd: number, node: Node, chain: string[]) => {
    const document = file.structure.documents.get(pd);
    if (document !== undefined) {
      const target = lookup(files, document);
      if (target) await placeFile(target, node, chain);
    }
    for (const occurrence of file.structure.children.get(pd) ?? []) await placeProduct(file, occurrence.child, node, occurrence.matrix, chain);
  };
  const placeProduct = async (file: SetFile, pd: number, parent: Node | null, matrix: Mat4 | null, chain: string[]) => {
    const node = builder.node(file.structure.names.get(pd) ?? `product_${pd}`, parent);
    if (matrix) node.setMatrix(matrix as Parameters<Node['setMatrix']>[0]);
    await placeChildren(file, pd, node, chain);
  };
  if (master.references.length === 0) {
    // A zip or folder holding one plain STEP file: that file, as if given alone.
    const result = await readWithOcct('step', master.data, master.name, options);
    addOcctScene(builder, result, null, 0.001, 'part');
    tessellated.set(master, result);
  } else for (const root of master.structure.roots) await placeProduct(master, root, null, null, [master.name]);

  const sourceUnits = stepLengthUnits(master.data)[0] ?? 'unknown';
  return { builder, sourceUnits, notes, occtMeshCount: [...tessellated.values()].reduce((n, r) => n + r.meshes.length, 0) };
}
