import fs from 'node:fs';
import path from 'node:path';
import { encodeVideo, VIDEO_EXTENSIONS, type VideoCodec } from '../render/encode-video';
import { expandFileName, insideDir } from '../render/filename';
import { postprocess as postprocessFile } from '../render/postprocess';
import { inputOf, NodeError, type Executor } from './context';

/** encode_video: exactly the rendered frames, in order, to H.264 or VP9. */
export const encodeVideoNode: Executor = async (execution) => {
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

/** postprocess: trim, pad and thumbnail on a copy in this node's folder (the render's file stays as rendered). */
export const postprocessNode: Executor = async (execution) => {
  const image = inputOf(execution, 'image', 'image');
  const { trim, pad_px, thumbnail_px } = execution.settings as { trim: boolean; pad_px: number; thumbnail_px: number };
  await fs.promises.mkdir(execution.workDir, { recursive: true });
  const file = path.join(execution.workDir, path.basename(image.file));
  await fs.promises.copyFile(image.file, file);
  const done = await postprocessFile({ file, format: image.format, quality: image.quality, trim, pad_px, thumbnail_px });
  if (done.note) execution.log(done.note);
  const size = image.format === 'exr' ? { width: image.width, height: image.height } : { width: done.width, height: done.height };
  const thumbnail = done.thumbnail ? { file: done.thumbnail.file, sha256: done.thumbnail.sha256, width: done.thumbnail.width, height: done.thumbnail.height } : undefined;
  const outputs = { image: { type: 'image' as const, file: done.file, sha256: done.sha256, format: image.format, ...size, ...(image.quality === undefined ? {} : { quality: image.quality }), ...(thumbnail ? { thumbnail } : {}) } };
  return thumbnail ? { ...outputs, thumbnail: { type: 'image', file: thumbnail.file, sha256: thumbnail.sha256, format: image.format, width: thumbnail.width, height: thumbnail.height } } : outputs;
};
