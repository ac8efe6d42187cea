import path from 'node:path';
import type { BlenderJob } from '../../../../workers/blender/job-spec';

/**
 * Which fields of a Blender job name files, and how a job moves between machines: on the
 * controller every file field is an absolute path; on the wire it is a name inside the attempt's
 * folder (`in/<name>` for inputs, `out/<name>` for outputs), kept with the same base name so the
 * job renders exactly what it renders locally; on the agent it is that folder's absolute path.
 */

const INPUT_FIELDS = ['glb', 'blend'] as const;
const OUTPUT_FIELDS = ['out', 'out_pattern'] as const;

export interface JobFiles {
  /** Input name in the attempt's in/ → the controller's file. */
  inputs: Map<string, string>;
  /** The folder outputs are committed to and a test of which names belong there. */
  outDir: string | null;
  outputName: (name: string) => boolean;
  /** The job as sent: file fields as relative names. */
  wire: Record<string, unknown>;
}

/** A job's files as the controller sees them, and the job as an agent receives it. */
export function jobFiles(job: BlenderJob): JobFiles {
  const wire: Record<string, unknown> = { ...job };
  const inputs = new Map<string, string>();
  for (const field of INPUT_FIELDS) {
    const value = (job as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    const name = path.basename(value);
    inputs.set(name, value);
    wire[field] = `in/${name}`;
  }
  let outDir: string | null = null;
  let outputName: (name: string) => boolean = () => false;
  for (const field of OUTPUT_FIELDS) {
    const value = (job as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    const name = path.basename(value);
    outDir = path.dirname(value);
    wire[field] = `out/${name}`;
    if (field === 'out') outputName = (n) => n === name;
    else {
      const literal = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const pattern = new RegExp(`^${name.split(/\{frame\}|#+/).map(literal).join('\\d+')}$`);
      outputName = (n) => pattern.test(n);
    }
  }
  return { inputs, outDir, outputName, wire };
}

/** On the agent: the wire job with its names made absolute inside `attemptDir`. */
export function localJob(wire: Record<string, unknown>, attemptDir: string): Record<string, unknown> {
  const job: Record<string, unknown> = { ...wire };
  for (const field of [...INPUT_FIELDS, ...OUTPUT_FIELDS]) {
    const value = job[field];
    if (typeof value === 'string') job[field] = path.join(attemptDir, value);
  }
  return job;
}

/** Rewrites every string in a reply's result that `map` changes (file and files fields, at any depth). */
export function mapPaths(value: unknown, map: (p: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapPaths(v, map));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapPaths(v, map)]));
  return value;
}

/** On the agent: absolute paths inside the attempt folder back to names (in/…, out/…). */
export function toWirePath(attemptDir: string): (p: string) => string {
  const prefix = attemptDir.endsWith(path.sep) ? attemptDir : `${attemptDir}${path.sep}`;
  return (p) => (p.startsWith(prefix) ? p.slice(prefix.length).split(path.sep).join('/') : p);
}

/** On the controller: names from the agent back to the job's own paths. */
export function fromWirePath(files: JobFiles): (p: string) => string {
  return (p) => {
    const m = /^(in|out)\/([^/\\]+)$/.exec(p);
    if (!m) return p;
    if (m[1] === 'in') return files.inputs.get(m[2]!) ?? p;
    return files.outDir ? path.join(files.outDir, m[2]!) : p;
  };
}
