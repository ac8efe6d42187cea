import type { z } from 'zod';
import type { ResolutionSettings } from '../../../shared/nodes/settings-parts';

type Resolution = z.output<typeof ResolutionSettings>;

/**
 * The effective size after percentage (Blender floors w × p / 100), capped so the longer side
 * is at most maxSize; percentage is folded in so the job renders exactly that size.
 */
export function capResolution(resolution: Resolution, maxSize?: number): Resolution {
  if (maxSize === undefined) return resolution;
  const w = Math.floor((resolution.width * resolution.percentage) / 100);
  const h = Math.floor((resolution.height * resolution.percentage) / 100);
  const longer = Math.max(w, h);
  if (longer <= maxSize) return resolution;
  const scale = maxSize / longer;
  return { width: Math.max(16, Math.round(w * scale)), height: Math.max(16, Math.round(h * scale)), percentage: 100 };
}
