import fs from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../../workers/blender/run-process';
import { RenderError } from './errors';
import { sha256File } from '../../platform/files/sha256-file';
import { CONTROL_CHARACTERS, type VideoCodec } from '../../../shared/nodes/settings-parts';

export type { VideoCodec };

export interface EncodeVideoInput {
  ffmpegPath: string;
  /** ffprobe; default: the one next to ffmpeg. */
  ffprobePath?: string;
  /** The frames, in order: exactly these are encoded (never a glob of the folder). */
  frames: string[];
  fps: number;
  codec: VideoCodec;
  crf: number;
  /** Output file; its extension is set by the codec (.mp4 for h264, .webm for vp9). */
  out: string;
  timeoutMs?: number;
}

/** The encoded file: what probeVideo reads of it, and its hash. */
export interface EncodedVideo extends VideoProbe {
  file: string;
  sha256: string;
}

export const VIDEO_EXTENSIONS: Record<VideoCodec, string> = { h264: '.mp4', vp9: '.webm' };

/** `out` with the codec's extension (replacing any other). */
export function videoPath(out: string, codec: VideoCodec): string {
  const ext = path.extname(out);
  return (ext ? out.slice(0, -ext.length) : out) + VIDEO_EXTENSIONS[codec];
}

export function ffprobeNextTo(ffmpegPath: string): string {
  const dir = path.dirname(ffmpegPath);
  return path.join(dir, path.basename(ffmpegPath).replace(/ffmpeg/i, 'ffprobe'));
}

function codecArgs(codec: VideoCodec, crf: number): string[] {
  if (codec === 'h264') {
    // yuv420p for players; 4:2:0 needs even sizes: encodeVideo's filter crops the odd pixel (no resampling).
    return ['-c:v', 'libx264', '-preset', 'medium', '-crf', String(crf), '-pix_fmt', 'yuv420p', '-movflags', '+faststart'];
  }
  // -b:v 0 makes -crf constant quality in libvpx-vp9 (otherwise it is a bitrate cap).
  return ['-c:v', 'libvpx-vp9', '-crf', String(crf), '-b:v', '0', '-row-mt', '1', '-deadline', 'good', '-cpu-used', '4', '-pix_fmt', 'yuv420p'];
}

/**
 * A concat-demuxer list naming exactly these files (single quotes escaped the ffconcat way). The
 * list is read line by line, so a path holding a line break or another control character could
 * add a line of its own: such a path is refused, never written.
 */
export function concatList(frames: readonly string[]): string {
  const bad = frames.find((f) => CONTROL_CHARACTERS.test(f));
  if (bad !== undefined) throw new RenderError('encode_failed', `encode_video: frame path ${JSON.stringify(bad)} contains a control character`);
  return `ffconcat version 1.0\n${frames.map((f) => `file '${f.replace(/'/g, "'\\''")}'\n`).join('')}`;
}

/**
 * encode_video: ffmpeg reads the frames from a concat list naming each file, so a stray or
 * missing file in the folder can never change the video (no glob), and every image format ffmpeg
 * decodes works, EXR included (image2pipe cannot split EXR: there is no EXR parser). Timestamps
 * are set from the frame index, so each listed frame is exactly one video frame. Written under
 * a temp name, renamed when complete, then read back with ffprobe. Deterministic: the same
 * frames and settings give the same bytes.
 */
export async function encodeVideo(input: EncodeVideoInput): Promise<EncodedVideo> {
  if (input.frames.length === 0) throw new RenderError('encode_failed', 'encode_video: no frames to encode');
  const frames = input.frames.map((f) => path.resolve(f));
  for (const f of frames) if (!fs.existsSync(f)) throw new RenderError('encode_failed', `encode_video: frame ${f} does not exist`);
  const out = videoPath(input.out, input.codec);
  await fs.promises.mkdir(path.dirname(out), { recursive: true });
  const temp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.tmp${VIDEO_EXTENSIONS[input.codec]}`);
  const list = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.ffconcat`);
  const timeoutMs = input.timeoutMs ?? 600_000;
  const vf = `setpts=N/(${input.fps}*TB)${input.codec === 'h264' ? ',crop=trunc(iw/2)*2:trunc(ih/2)*2' : ''}`;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    // -safe 0: the list holds absolute paths (ours, written just below).
    '-f', 'concat', '-safe', '0', '-i', list,
    '-vf', vf, '-fps_mode', 'passthrough', '-r', String(input.fps),
    ...codecArgs(input.codec, input.crf),
    '-an', '-map_metadata', '-1',
    // Bit-exact: no random container UIDs (WebM) and no encoder version strings, so the same
    // frames give the same video bytes every time (a render published and one re-run compare equal).
    '-fflags', '+bitexact', '-flags:v', '+bitexact',
    temp,
  ];
  try {
    await fs.promises.writeFile(list, concatList(frames));
    const run = await runProcess(input.ffmpegPath, args, { timeoutMs }).catch((e: Error) => {
      throw new RenderError('encode_failed', `cannot run ffmpeg (${input.ffmpegPath}): ${e.message}`);
    });
    if (run.timedOut) throw new RenderError('encode_failed', `ffmpeg did not finish within ${timeoutMs} ms`);
    if (run.exitCode !== 0) throw new RenderError('encode_failed', `ffmpeg failed (${run.signal ?? `exit ${run.exitCode}`}): ${run.stderr.trim() || 'no output'}`);
    await fs.promises.rename(temp, out);
  } finally {
    await fs.promises.rm(temp, { force: true });
    await fs.promises.rm(list, { force: true });
  }
  const probe = await probeVideo(input.ffprobePath ?? ffprobeNextTo(input.ffmpegPath), out);
  return { file: out, ...probe, sha256: await sha256File(out) };
}

export interface VideoProbe {
  codec: string;
  durationSeconds: number;
  frames: number;
  fps: number;
  width: number;
  height: number;
}

/** Codec, size, frame rate, counted frames and duration of a video's first video stream. */
export async function probeVideo(ffprobe: string, file: string): Promise<VideoProbe> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,width,height,r_frame_rate,nb_read_frames,duration:format=duration', '-of', 'json', file];
  const run = await runProcess(ffprobe, args, { timeoutMs: 60_000 }).catch((e: Error) => {
    throw new RenderError('probe_failed', `cannot run ffprobe (${ffprobe}): ${e.message}`);
  });
  if (run.exitCode !== 0) throw new RenderError('probe_failed', `ffprobe could not read ${file}: ${run.stderr.trim()}`);
  const parsed = JSON.parse(run.stdout) as { streams?: Record<string, string | number>[]; format?: { duration?: string } };
  const s = parsed.streams?.[0];
  if (!s) throw new RenderError('probe_failed', `${file} has no video stream`);
  const [num, den] = String(s.r_frame_rate ?? '0/1').split('/').map(Number);
  return {
    codec: String(s.codec_name),
    width: Number(s.width),
    height: Number(s.height),
    fps: den ? num! / den : Number(num),
    frames: Number(s.nb_read_frames),
    durationSeconds: Number(parsed.format?.duration ?? s.duration),
  };
}
