// .blend files compared by structure: the dumps (datablock names per type) come from a Blender job.
import type { ArtifactComparison, BlendDump } from '../../../shared/comparison/api';
import { type FileRef, artifactFiles } from './files';
import { Reasons, baseArtifact, fmt, missingArtifact } from './verdict';

export const BLEND_CATEGORIES = ['objects', 'meshes', 'materials', 'cameras', 'lights'] as const satisfies readonly (keyof BlendDump)[];

/** Names in `a` not matched in `b`, counting repeats (a multiset difference), sorted. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const name of b) left.set(name, (left.get(name) ?? 0) + 1);
  const out: string[] = [];
  for (const name of a) {
    const n = left.get(name) ?? 0;
    if (n > 0) left.set(name, n - 1);
    else out.push(name);
  }
  return out.sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
}

/** One line per differing category, e.g. "objects: only in legacy: Cube; only in shadow: Cube.001". Pure. */
export function diffBlendDumps(legacy: BlendDump, shadow: BlendDump): string[] {
  const differences: string[] = [];
  for (const category of BLEND_CATEGORIES) {
    const onlyLegacy = minus(legacy[category] ?? [], shadow[category] ?? []);
    const onlyShadow = minus(shadow[category] ?? [], legacy[category] ?? []);
    if (!onlyLegacy.length && !onlyShadow.length) continue;
    const parts = [onlyLegacy.length ? `only in legacy: ${onlyLegacy.join(', ')}` : '', onlyShadow.length ? `only in shadow: ${onlyShadow.join(', ')}` : ''].filter(Boolean);
    differences.push(`${category}: ${parts.join('; ')}`);
  }
  return differences;
}

export interface CompareBlendOptions {
  name: string;
  label?: string;
  /** Dumps a .blend's structure (a Blender job); without it, .blend files are compared by hash only. */
  blendDump?: (file: string) => Promise<BlendDump>;
}

/**
 * Equal hashes pass without a dump. Otherwise (bytes of a .blend differ from save to save) the
 * structures decide: any difference fails; without a dumper, differing hashes warn.
 */
export async function compareBlendFiles(legacyInput: string | FileRef, shadowInput: string | FileRef, options: CompareBlendOptions): Promise<ArtifactComparison> {
  const { name } = options;
  const label = options.label ?? name;
  const [legacy, shadow] = await artifactFiles(legacyInput, shadowInput);
  if (!legacy || !shadow) return missingArtifact(name, label, legacy, shadow, 'file not found');
  const result = baseArtifact(name, 'blend', legacy, shadow);
  const reasons = new Reasons();
  const finish = (): ArtifactComparison => ({ ...result, ...reasons.judgement });
  if (result.sameHash) return { ...finish(), sameSize: true };
  if (legacy.width !== null && shadow.width !== null && !result.sameSize) {
    reasons.fail(`${label}: render sizes differ (legacy ${fmt.size(legacy)}, shadow ${fmt.size(shadow)})`);
  }
  if (!options.blendDump) {
    reasons.warn(`${label}: hashes differ, and the structure was not compared (no .blend dump available)`);
    return finish();
  }
  let dumps: [BlendDump, BlendDump];
  try {
    dumps = await Promise.all([
      options.blendDump(legacy.file).catch((e: Error) => Promise.reject(new Error(`legacy: ${e.message}`))),
      options.blendDump(shadow.file).catch((e: Error) => Promise.reject(new Error(`shadow: ${e.message}`))),
    ]);
  } catch (error) {
    reasons.fail(`${label}: could not dump the structure (${(error as Error).message})`);
    return finish();
  }
  const differences = diffBlendDumps(dumps[0], dumps[1]);
  result.blend = { legacy: dumps[0], shadow: dumps[1], differences };
  for (const difference of differences) reasons.fail(`${label}: ${difference}`);
  return finish();
}
