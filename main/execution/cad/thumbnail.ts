import fs from 'node:fs';
import path from 'node:path';
import { readPngSize } from '../../platform/files/png-size';
import { resourcesDir } from '../../../workers/resources/paths';
import { lastMarkedLine, runBlender, SpawnError } from '../../../workers/blender/run-blender';

export interface CadThumbnailInput {
  blenderPath: string;
  glbPath: string;
  outPath: string;
  sizePx: number;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv). */
  blenderEnv?: Record<string, string>;
  signal?: AbortSignal;
}

export type CadThumbnailResult = { ok: true; width: number; height: number; durationMs: number } | { ok: false; error: string };

function excerpt(text: string, max = 400): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}

/**
 * Renders the GLB with resources/blender/cad_thumbnail.py (Workbench). Never throws: a
 * thumbnail is optional (make_thumbnail is `on_error: continue`), so failures come back as data.
 */
export async function renderCadThumbnail(input: CadThumbnailInput): Promise<CadThumbnailResult> {
  let script: string;
  try {
    script = path.join(resourcesDir(), 'blender', 'cad_thumbnail.py');
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  let result;
  try {
    result = await runBlender({
      binary: input.blenderPath,
      pythonScript: script,
      scriptArgs: ['--glb', input.glbPath, '--out', input.outPath, '--size', String(input.sizePx)],
      timeoutMs: input.timeoutMs,
      env: input.env,
      extraEnv: input.blenderEnv,
      signal: input.signal,
    });
  } catch (error) {
    return { ok: false, error: error instanceof SpawnError ? error.message : `cannot run Blender: ${(error as Error).message}` };
  }
  if (result.timedOut) return { ok: false, error: `Blender did not finish the thumbnail within ${Math.round(input.timeoutMs / 1000)} s` };
  if (result.aborted) return { ok: false, error: 'thumbnail render was cancelled' };
  const reply = lastMarkedLine(result.stdout, 'LIGHTBOX_RESULT', result.nonce) as { ok?: boolean; error?: string } | null;
  if (!reply || reply.ok !== true || result.exitCode !== 0) {
    const why = reply?.error ?? (excerpt(result.stderr) || `Blender exited with ${result.exitCode ?? result.signal} and no result line`);
    return { ok: false, error: `thumbnail render failed: ${why}` };
  }
  if (!fs.existsSync(input.outPath)) return { ok: false, error: `Blender reported success but ${input.outPath} was not written` };
  const size = await readPngSize(input.outPath);
  if (!size) return { ok: false, error: `${input.outPath} is not a PNG` };
  return { ok: true, ...size, durationMs: result.durationMs };
}
