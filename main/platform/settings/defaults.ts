import os from 'node:os';
import type { Settings } from '../../../shared/settings/schema';

/**
 * Backend defaults for this machine. One Blender per two cores keeps the machine responsive
 * while rendering; each gets the cores left for it.
 */
export function defaultSettings(cores = os.availableParallelism()): Settings {
  const concurrency = Math.max(1, Math.floor(cores / 2));
  return {
    blenderPath: null,
    ffmpegPath: null,
    farm: {
      concurrency,
      threadsPerBlender: Math.max(1, Math.floor(cores / concurrency)),
      mode: 'warm',
    },
    cadIngestWorkflowId: null,
    blenderEnv: {},
    cadMaxFileMiB: 512,
    slurm: null,
  };
}
