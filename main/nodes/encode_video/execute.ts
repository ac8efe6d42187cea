import type { z } from 'zod';
import fs from 'node:fs';
import { encodeVideo, VIDEO_EXTENSIONS, type VideoCodec } from '../../execution/render/encode-video';
import { expandFileName, insideDir } from '../../execution/render/filename';
import { inputOf, NodeError, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** encode_video: exactly the rendered frames, in order, to H.264 or VP9. */
export const execute: Executor<Settings> = async (execution) => {
  const sequence = inputOf(execution, 'frames', 'image_sequence');
  const { codec, crf, fps } = execution.settings as { codec: VideoCodec; crf: number; fps: number };
  const { ffmpegPath, ffprobePath } = execution.run.tools;
  if (!ffmpegPath) throw new NodeError('encode_video needs ffmpeg, and none was found (set its path in Settings, or install it)');
  if (sequence.frames.length === 0) throw new NodeError('encode_video got no frames');
  await fs.promises.mkdir(execution.workDir, { recursive: true });
  const { names } = execution.run;
  const out = insideDir(execution.workDir, expandFileName(sequence.nameTemplate, names, VIDEO_EXTENSIONS[codec], null));
  execution.log(`encoding ${sequence.frames.length} frames at ${fps} fps with ${codec}, crf ${crf}`);
  const video = await encodeVideo({ ffmpegPath, ffprobePath, frames: sequence.frames.map((f) => f.file), fps, codec, crf, out });
  return {
    video: {
      type: 'video',
      file: video.file,
      sha256: video.sha256,
      format: codec === 'h264' ? 'mp4' : 'webm',
      width: video.width,
      height: video.height,
      frames: video.frames,
      durationSeconds: video.durationSeconds,
      sourceFrames: sequence.frames,
    },
    frames: sequence,
  };
};
