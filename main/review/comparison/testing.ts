// Test helpers: real image and video files generated with sharp and ffmpeg.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

export const FFMPEG = '/usr/bin/ffmpeg';

export async function tempDir(prefix = 'lightbox-comparison-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A rectangle painted over the gradient, in pixels. */
export interface Patch {
  x: number;
  y: number;
  width: number;
  height: number;
  rgba: [number, number, number, number];
}

/** Raw RGBA: a smooth gradient (varies with `seed`), with optional patches painted over it. */
export function gradient(width: number, height: number, options: { seed?: number; patches?: Patch[] } = {}): Buffer {
  const seed = options.seed ?? 0;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data[o] = Math.round((x / Math.max(1, width - 1)) * 200 + seed * 3) % 256;
      data[o + 1] = Math.round((y / Math.max(1, height - 1)) * 200 + seed * 5) % 256;
      data[o + 2] = (x + y + seed * 7) % 256;
      data[o + 3] = 255;
    }
  }
  for (const p of options.patches ?? []) {
    for (let y = p.y; y < p.y + p.height; y++) {
      for (let x = p.x; x < p.x + p.width; x++) data.set(p.rgba, (y * width + x) * 4);
    }
  }
  return data;
}

/** Writes raw RGBA to a file; the format follows the extension (png, jpg, webp). */
export async function writeImage(
  file: string,
  width: number,
  height: number,
  options: { seed?: number; patches?: Patch[]; quality?: number; compressionLevel?: number } = {},
): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const image = sharp(gradient(width, height, options), { raw: { width, height, channels: 4 } });
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jpg' || ext === '.jpeg') await image.jpeg({ quality: options.quality ?? 90 }).toFile(file);
  else if (ext === '.webp') await image.webp({ lossless: true }).toFile(file);
  else await image.png({ compressionLevel: options.compressionLevel ?? 6 }).toFile(file);
  return file;
}

/** Encodes frame_0001.png… in `framesDir` losslessly (libx264rgb, qp 0), so decoded frames equal the sources. */
export async function encodeVideo(framesDir: string, out: string, options: { title?: string } = {}): Promise<string> {
  const metadata = options.title ? ['-metadata', `title=${options.title}`] : [];
  await run(FFMPEG, ['-nostdin', '-v', 'error', '-y', '-framerate', '10', '-i', path.join(framesDir, 'frame_%04d.png'), '-c:v', 'libx264rgb', '-qp', '0', '-preset', 'ultrafast', ...metadata, out]);
  return out;
}

/** Converts an image to OpenEXR with ffmpeg. */
export async function toExr(input: string, out: string): Promise<string> {
  await run(FFMPEG, ['-nostdin', '-v', 'error', '-y', '-i', input, '-frames:v', '1', '-c:v', 'exr', out]);
  return out;
}
