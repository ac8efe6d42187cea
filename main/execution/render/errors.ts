import crypto from 'node:crypto';
import type { FarmJobOptions, RenderFarm } from '../farm/types';
import type { BlenderJobInput } from '../../../workers/blender/job-spec';

export type RenderErrorCode = 'job_failed' | 'missing_output' | 'encode_failed' | 'probe_failed' | 'postprocess_failed' | 'blend_mismatch';

/** A render step failed; `message` is meant for the user (Blender's or ffmpeg's own words included). */
export class RenderError extends Error {
  constructor(
    readonly code: RenderErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

/**
 * Runs a job on the farm and returns its result; a job-level failure (ok:false) becomes a
 * RenderError quoting Blender's error, so callers never mistake it for a result.
 */
export async function runJobOk(farm: RenderFarm, job: BlenderJobInput, options: FarmJobOptions): Promise<Record<string, unknown>> {
  const reply = await farm.runJob(job, options);
  if (!reply.ok) {
    throw new RenderError('job_failed', `${job.kind} ${options.label} failed in Blender: ${reply.error}`, reply.traceback);
  }
  return reply.result;
}

/** A job id unique enough within a farm: label plus time and randomness. */
export function jobId(label: string): string {
  return `${label}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
}
