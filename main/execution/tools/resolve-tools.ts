import { ApiFailure } from '../../../shared/contract/errors';
import type { Settings } from '../../../shared/settings/schema';
import { ffprobeNextTo } from '../render/encode-video';
import { findTool } from '../../platform/tools/find-executable';

/** The executables a run uses: Blender always, ffmpeg and ffprobe for videos. */
export interface Tools {
  blenderPath: string;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** CAD files larger than this are refused before parsing (Settings → cadMaxFileMiB). */
  cadMaxBytes?: number;
}

/** Blender (required) and ffmpeg (turntables only), found the way preflight finds them. */
export async function resolveTools(settings: Settings, env: NodeJS.ProcessEnv): Promise<Tools> {
  const blender = await findTool('blender', settings.blenderPath, env);
  if (!blender.found) throw new ApiFailure('blender_not_found', `${blender.problem} ${blender.fix}`, '');
  const ffmpeg = await findTool('ffmpeg', settings.ffmpegPath, env);
  const cadMaxBytes = settings.cadMaxFileMiB * 1024 * 1024;
  return ffmpeg.found ? { blenderPath: blender.path, ffmpegPath: ffmpeg.path, ffprobePath: ffprobeNextTo(ffmpeg.path), cadMaxBytes } : { blenderPath: blender.path, cadMaxBytes };
}
