import { PreflightReportSchema, type PreflightCheck, type PreflightReport } from '../../../shared/preflight/report';
import { checkBlender, DENOISER_CHECK_ID, PYTHON_CHECK_ID, engineCheckId, engineTitle, PROBED_ENGINES, type CheckBlenderInput } from './check-blender';
import { checkDataDir } from './check-data-dir';
import { checkDisk } from './check-disk';
import { checkFfmpeg } from './check-ffmpeg';
import type { PreflightDeps } from './types';

/** Every check id, in the order the report lists them (the UI and e2e rely on these ids). */
export const PREFLIGHT_CHECK_IDS = ['blender', PYTHON_CHECK_ID, ...PROBED_ENGINES.map(engineCheckId), DENOISER_CHECK_ID, 'ffmpeg', 'disk', 'data-dir'] as const;

/** Knobs for tests and the CLI; the app uses the defaults. */
export interface PreflightOptions {
  versionTimeoutMs?: number;
  engineTimeoutMs?: number;
  engineConcurrency?: number;
  scriptPath?: string;
}

function crashed(id: string, title: string, error: unknown): PreflightCheck {
  return {
    id,
    title,
    status: 'fail',
    detail: `The check itself failed: ${(error as Error)?.message ?? String(error)}.`,
    fix: 'Run the checks again; if this repeats, report it with the Lightbox log.',
  };
}

/**
 * Runs every check, the independent ones in parallel, and reports each as it finishes.
 * Never throws: a check that breaks becomes a failing check.
 */
export async function runPreflight(deps: PreflightDeps, options: PreflightOptions = {}): Promise<PreflightReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const env = deps.env ?? process.env;
  const emit = (check: PreflightCheck) => {
    try {
      deps.onCheck?.(check);
    } catch {
      // A broken progress listener must not break the checks.
    }
  };

  let settings: ReturnType<PreflightDeps['settings']> | null = null;
  try {
    settings = deps.settings();
  } catch {
    // Unreadable settings: detect executables as if nothing were configured.
  }

  const blenderInput: CheckBlenderInput = {
    dataDir: deps.dataDir,
    setting: settings?.blenderPath ?? null,
    env,
    blenderEnv: settings?.blenderEnv,
    onCheck: emit,
    ...options,
  };

  const [blender, ffmpeg, disk, dataDir] = await Promise.all([
    checkBlender(blenderInput).catch((error: unknown) => {
      const checks = [
        crashed('blender', 'Blender', error),
        crashed(PYTHON_CHECK_ID, "Blender's Python (numpy, glTF import)", error),
        ...PROBED_ENGINES.map((e) => crashed(engineCheckId(e), engineTitle(e), error)),
        crashed(DENOISER_CHECK_ID, 'Denoiser (OpenImageDenoise)', error),
      ];
      checks.forEach(emit);
      return { blender: { path: null, source: null, version: null, engines: [] }, checks };
    }),
    withEmit(
      checkFfmpeg({ setting: settings?.ffmpegPath ?? null, env }).catch((error: unknown) => ({
        ffmpeg: { path: null, source: null, version: null, encoders: { h264: false, vp9: false } },
        check: crashed('ffmpeg', 'ffmpeg', error),
      })),
      emit,
    ),
    withEmit(
      checkDisk(deps.dataDir).catch((error: unknown) => ({
        disk: { path: deps.dataDir, freeBytes: null, totalBytes: null },
        check: crashed('disk', 'Free disk space', error),
      })),
      emit,
    ),
    withEmit(
      checkDataDir(deps.dataDir).catch((error: unknown) => ({
        dataDir: { path: deps.dataDir, writable: false },
        check: crashed('data-dir', 'Data directory writable', error),
      })),
      emit,
    ),
  ]);

  const checks = [...blender.checks, ffmpeg.check, disk.check, dataDir.check];
  // Parse to be sure nothing malformed is stored or sent to the UI.
  return PreflightReportSchema.parse({
    ok: checks.every((check) => check.status !== 'fail'),
    startedAt,
    durationMs: Date.now() - started,
    blender: blender.blender,
    ffmpeg: ffmpeg.ffmpeg,
    disk: disk.disk,
    dataDir: dataDir.dataDir,
    checks,
  });
}

async function withEmit<T extends { check: PreflightCheck }>(work: Promise<T>, emit: (check: PreflightCheck) => void): Promise<T> {
  const result = await work;
  emit(result.check);
  return result;
}
