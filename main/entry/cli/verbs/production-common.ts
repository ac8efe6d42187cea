import { DraftSchema, type Draft } from '../../../../shared/runs/api';
import { createNodeBackend } from '../node-backend';
import type { Backend } from '../../app/backend';
import { UsageError, type CliIO } from '../verb';
import { reportFailure } from './legacy-common';

/** Runs `body` on a backend for the verb's data directory; refusals (ApiFailure) print and exit 1. */
export async function withBackend(values: Record<string, string | boolean | undefined>, verb: string, io: CliIO, body: (backend: Backend, json: boolean) => Promise<number>): Promise<number> {
  const json = values.json === true;
  const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
  try {
    return await body(backend, json);
  } catch (error) {
    return reportFailure(error, verb, json, io);
  } finally {
    await backend.close();
  }
}

export function positiveInt(value: string | boolean | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer of at least ${min}, not "${String(value)}"`);
  return n;
}

/** The draft flags every rendering verb takes (dispatch, render, golden): the contract's Draft bounds, messages naming the flag. */
export const draftOptions = { 'max-size': { type: 'string' }, samples: { type: 'string' } } as const;
export const draftHelp: [string, string][] = [
  ['--max-size PX', 'draft: cap the longer side of the render, aspect kept (16 to 8192; recorded in the render log)'],
  ['--samples N', 'draft: override the render samples (1 to 4096; recorded in the render log)'],
];

export function draftFromFlags(values: Record<string, string | boolean | undefined>): Draft {
  const flags = { maxSize: '--max-size', samples: '--samples' } as const;
  const raw = { maxSize: values['max-size'], samples: values.samples };
  const draft: Draft = {};
  for (const key of ['maxSize', 'samples'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    const bounds = DraftSchema.shape[key].unwrap();
    const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!bounds.safeParse(n).success) throw new UsageError(`${flags[key]} must be a whole number from ${bounds.minValue} to ${bounds.maxValue}, not "${String(value)}"`);
    draft[key] = n;
  }
  return draft;
}

export const printJson = (io: CliIO, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
