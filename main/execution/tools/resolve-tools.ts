import { ApiFailure } from '../../../shared/contract/errors';
import type { Settings } from '../../../shared/settings/schema';
import { ffprobeNextTo } from '../render/encode-video';
import { findExecutable } from '../../platform/tools/find-executable';

/** The executables a run uses: Blender always, ffmpeg and ffprobe for videos. */
export interface Tools {
  blenderPath: string;
  ffmpegPath?: string;
  ffprobePath?: string;
}

/** Blender (required) and ffmpeg (turntables only), found the way preflight finds them. */
export async function resolveTools(settings: Settings, env: NodeJS.ProcessEnv): Promise<Tools> {
  const blender = await findExecutable({ label: 'Blender', command: 'blender', setting: settings.blenderPath, envVar: 'BLENDER_PATH', env, settingName: 'Blender path' });
  if (!blender.found) throw new ApiFailure('blender_not_found', `${blender.problem} ${blender.fix}`, '');
  const ffmpeg = await findExecutable({ label: 'ffmpeg', command: 'ffmpeg', setting: settings.ffmpegPath, envVar: 'FFMPEG_PATH', env, settingName: 'ffmpeg path' });
  return ffmpeg.found ? { blenderPath: blender.path, ffmpegPath: ffmpeg.path, ffprobePath: ffprobeNextTo(ffmpeg.path) } : { blenderPath: blender.path };
}
