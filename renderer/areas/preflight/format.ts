import type { BlenderEngine, CheckStatus, ExecutableSource } from '../../../shared/preflight/report';

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit >= 3 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const ENGINE_NAMES: Record<BlenderEngine, string> = {
  CYCLES: 'Cycles',
  BLENDER_EEVEE: 'Eevee',
  BLENDER_WORKBENCH: 'Workbench',
};

export function engineName(engine: BlenderEngine): string {
  return ENGINE_NAMES[engine];
}

export const STATUS_TEXT: Record<CheckStatus, string> = { ok: 'OK', warn: 'Warning', fail: 'Failed' };

/** Where an executable came from, in words. */
export function sourceText(source: ExecutableSource | null, envName: string): string {
  switch (source) {
    case 'setting':
      return 'the path in Settings';
    case 'env':
      return `the ${envName} environment variable`;
    case 'path':
      return 'found on PATH';
    case null:
      return 'not found';
  }
}
