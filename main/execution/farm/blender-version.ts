import crypto from 'node:crypto';
import type { RenderFarm } from './types';

const asked = new WeakMap<RenderFarm, Promise<string | null>>();

/**
 * The Blender version the farm runs, asked once per farm (not per run) with a ping job, and only
 * when a run needs it. A failed ask is forgotten so a later run asks again.
 */
export function blenderVersionOf(farm: RenderFarm): () => Promise<string | null> {
  return () => {
    let pending = asked.get(farm);
    if (!pending) {
      pending = farm
        .runJob({ kind: 'ping', id: `version-${crypto.randomBytes(3).toString('hex')}` }, { label: 'blender version', timeoutMs: 120_000 })
        .then((reply) => reply.blender ?? null)
        .catch(() => {
          asked.delete(farm);
          return null;
        });
      asked.set(farm, pending);
    }
    return pending;
  };
}
