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

export const printJson = (io: CliIO, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
