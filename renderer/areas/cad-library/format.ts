import type { CadFile } from '../../../shared/cad/api';

/** 1536 → "1.5 KiB"; plain bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US') : '—';
}

/** Four significant digits, no trailing zeros: 199.99997 → "200", 84.1234 → "84.12". */
function round(value: number): string {
  if (!Number.isFinite(value)) return '?';
  if (Math.abs(value) >= 10_000) return value.toFixed(0);
  return String(Number(value.toPrecision(4)));
}

type Vec3 = [number, number, number];

function isVec3(value: unknown): value is Vec3 {
  return Array.isArray(value) && value.length === 3 && value.every((n) => typeof n === 'number');
}

/** The bounding box as the backend reports it ({min, max, size} in mm), or null when absent. */
export function boundingBox(cad: CadFile): { size: Vec3; min: Vec3 | null; max: Vec3 | null } | null {
  const meta = cad.metadata;
  if (!meta) return null;
  const raw = (meta.boundingBoxMm ?? meta['bboxMm']) as unknown;
  if (!raw || typeof raw !== 'object') return null;
  const box = raw as { size?: unknown; min?: unknown; max?: unknown };
  const min = isVec3(box.min) ? box.min : null;
  const max = isVec3(box.max) ? box.max : null;
  let size: Vec3 | null = isVec3(box.size) ? box.size : null;
  if (!size && min && max) size = [max[0] - min[0], max[1] - min[1], max[2] - min[2]];
  return size ? { size, min, max } : null;
}

/** "120 × 40.5 × 8.0 mm" */
export function formatBoundingBox(cad: CadFile): string {
  const box = boundingBox(cad);
  if (!box) return '—';
  return `${box.size.map(round).join(' × ')} mm`;
}

export function formatPoint(point: Vec3): string {
  return `(${point.map(round).join(', ')})`;
}

export function partCount(cad: CadFile): number | null {
  const meta = cad.metadata;
  if (!meta) return null;
  const count = meta['partCount'];
  return typeof count === 'number' ? count : meta.parts.length;
}

export function triangleCount(cad: CadFile): number | null {
  const meta = cad.metadata;
  if (!meta) return null;
  const fromMeta = meta.triangles ?? meta['triangleCount'];
  if (typeof fromMeta === 'number') return fromMeta;
  return meta.parts.reduce((sum, part) => sum + part.triangles, 0);
}

/** Notes the ingest left for the user (assumed units, mislabelled extension). */
export function ingestNotes(cad: CadFile): string[] {
  const notes = cad.metadata?.['notes'];
  return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string') : [];
}

export function formatLabel(cad: CadFile): string {
  const label = cad.metadata?.['formatLabel'];
  if (typeof label === 'string' && label) return label;
  return cad.format ?? cad.metadata?.format ?? '—';
}
