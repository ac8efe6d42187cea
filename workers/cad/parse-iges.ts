import { CadIngestError } from './errors';
import { GlbBuilder } from './glb-builder';
import { addOcctScene, readWithOcct, type StepOptions, type StepParse } from './parse-step';

/** IGES unit flags (global parameter 14), by the 5.3 specification. Flag 3 names the unit in parameter 15. */
const IGES_UNIT_FLAGS: Record<number, string> = { 1: 'in', 2: 'mm', 4: 'ft', 5: 'mi', 6: 'm', 7: 'km', 8: 'mil', 9: 'µm', 10: 'cm', 11: 'µin' };
const IGES_UNIT_NAMES: Record<string, string> = { IN: 'in', INCH: 'in', MM: 'mm', FT: 'ft', MI: 'mi', M: 'm', KM: 'km', MIL: 'mil', UM: 'µm', CM: 'cm', UIN: 'µin' };

/** IGES is 80-column records; column 73 names the section: S(tart), G(lobal), D(irectory), P(arameter), T(erminate). */
export function looksLikeIges(text: string): boolean {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.length >= 73 && /^[SC]\s*0*1$/.test(first.slice(72, 80).trim()) && /^.{72}G\s*0*1\s*$/m.test(text);
}

/** The global section's parameters, split at its delimiters; Hollerith strings (nH...) are read whole. */
export function igesGlobalParameters(text: string): string[] {
  const global = text
    .split(/\r?\n/)
    .filter((line) => line.length >= 73 && line[72] === 'G')
    .map((line) => line.slice(0, 72))
    .join('');
  // Parameters 1 and 2 may redefine the delimiters ("1H," style); the defaults are , and ;.
  let delimiter = ',';
  let end = ';';
  const custom = /^1H(.)(.)1H(.)/.exec(global);
  if (custom?.[1] !== undefined && custom[3] !== undefined) {
    delimiter = custom[1];
    end = custom[3];
  }
  const values: string[] = [];
  let i = 0;
  while (i < global.length) {
    const hollerith = /^\s*(\d+)H/.exec(global.slice(i));
    if (hollerith?.[1] !== undefined) {
      const start = i + hollerith[0].length;
      values.push(global.slice(start, start + Number(hollerith[1])));
      i = start + Number(hollerith[1]);
    } else {
      let j = i;
      while (j < global.length && global[j] !== delimiter && global[j] !== end) j++;
      values.push(global.slice(i, j).trim());
      i = j;
    }
    if (global[i] === end) break;
    i++; // past the delimiter
  }
  return values;
}

/** The model's length unit from the global section (parameters 14 and 15), or "unknown". */
export function igesUnits(text: string): string {
  const params = igesGlobalParameters(text);
  const flag = Number(params[13]);
  const name = (params[14] ?? '').trim().toUpperCase();
  if (flag === 3) return IGES_UNIT_NAMES[name] ?? (name.toLowerCase() || 'unknown');
  return IGES_UNIT_FLAGS[flag] ?? IGES_UNIT_NAMES[name] ?? 'unknown';
}

/** Tessellates an IGES file with OpenCascade: its entities come out in millimetres, named and coloured as the file says. */
export async function parseIges(data: Buffer, file: string, options: StepOptions): Promise<StepParse> {
  const head = data.toString('latin1', 0, Math.min(data.length, 256 * 1024));
  // A complete IGES file ends with its T(erminate) record.
  const tail = data.toString('latin1', Math.max(0, data.length - 400));
  if (!/^.{72}T\s*0*1\s*$/m.test(tail)) {
    throw new CadIngestError('TRUNCATED', file, 'IGES file is truncated: it has no terminate (T) record at its end (cut off while copying or exporting?)');
  }
  const result = await readWithOcct('iges', data, file, options);
  const builder = new GlbBuilder();
  addOcctScene(builder, result, null);
  return { builder, sourceUnits: igesUnits(head), notes: [], occtMeshCount: result.meshes.length };
}
