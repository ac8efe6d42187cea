import crypto from 'node:crypto';
import type { RenderFarm } from './types';

/** The Blender version the farm runs, asked once per farm with a ping job. */
export function blenderVersionOf(farm: RenderFarm): () => Promise<string | null> {
  let asked: Promise<string | null> | null = null;
  return () => {
    asked ??= farm
      .runJob({ kind: 'ping', id: `version-${crypto.randomBytes(3).toString('hex')}` }, { label: 'blender version', timeoutMs: 120_000 })
      .then((reply) => reply.blender ?? null)
      .catch(() => null);
    return asked;
  };
}
