import fs from 'node:fs';
import path from 'node:path';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { RenderError } from './errors';
import { sha256File } from '../../platform/files/sha256-file';
import type { ImageFormat } from './filename';

export interface PostprocessInput {
  file: string;
  trim: boolean;
  pad_px: number;
  /** 0: no thumbnail. */
  thumbnail_px: number;
  format: ImageFormat;
  /** Lossy formats: the quality the image is re-encoded with (the render's output.quality). */
  quality?: number;
  /** Where the thumbnail goes; default `<name>_thumb.<ext>` next to the file. */
  thumbnailFile?: string;
}

export interface PostprocessResult {
  file: string;
  width: number;
  height: number;
  format: ImageFormat;
  sha256: string;
  /** The kept rectangle of the original, when trimmed. */
  trimmed: { left: number; top: number; width: number; height: number } | null;
  thumbnail: { file: string; width: number; height: number; sha256: string } | null;
  /** Why nothing was done (exr), for the user. */
  note?: string;
}

/** Channel difference from the border colour that still counts as border (JPEG noise, antialiasing). */
const COLOR_TOLERANCE = 16;
/** Alpha at or below this is empty (Cycles writes exactly 0 for empty film). */
const ALPHA_TOLERANCE = 2;

function encoder(image: Sharp, format: Exclude<ImageFormat, 'exr'>, quality: number, sixteenBit = false): Sharp {
  // sharp would write 8 bits by default: a 16-bit render (output.color_depth 16) stays 16-bit.
  if (format === 'png') return (sixteenBit ? image.toColourspace('rgb16') : image).png({ compressionLevel: 9 });
  if (format === 'jpeg') return image.jpeg({ quality, mozjpeg: false });
  return image.webp({ quality });
}

/**
 * postprocess: trims the empty border (transparent pixels for images with alpha, else the
 * colour of the top-left pixel), pads `pad_px` back (transparent, or that colour), re-encodes in
 * place and writes a thumbnail whose longer side is thumbnail_px. EXR is passed through: sharp
 * (libvips without OpenEXR) cannot read it.
 */
export async function postprocess(input: PostprocessInput): Promise<PostprocessResult> {
  const { file, format } = input;
  if (format === 'exr') {
    const note = input.trim || input.pad_px > 0 || input.thumbnail_px > 0 ? 'exr passed through untouched: sharp cannot read OpenEXR, so no trim, pad or thumbnail' : 'exr passed through untouched';
    return { file, width: 0, height: 0, format, sha256: await sha256File(file), trimmed: null, thumbnail: null, note };
  }
  const quality = input.quality ?? 90;
  // Buffers, not paths: libvips caches decoded files by name, so re-reading a path after
  // rewriting it in place could return the old pixels.
  let source: Buffer;
  let raw: { data: Buffer; info: OutputInfo };
  let sixteenBit: boolean;
  try {
    source = await fs.promises.readFile(file);
    raw = await sharp(source).raw().toBuffer({ resolveWithObject: true });
    sixteenBit = (await sharp(source).metadata()).depth === 'ushort';
  } catch (error) {
    throw new RenderError('postprocess_failed', `postprocess cannot read ${file}: ${(error as Error).message}`);
  }
  const { data, info } = raw;
  const { width, height, channels } = info;
  const hasAlpha = channels === 4 || channels === 2;
  const border = [...data.subarray(0, channels)];
  let current = source;
  let trimmed: PostprocessResult['trimmed'] = null;
  let outW = width;
  let outH = height;

  if (input.trim) {
    const box = contentBox(data, width, height, channels, hasAlpha, border);
    // An empty image has nothing to trim to: left as it is.
    if (box && (box.width < width || box.height < height)) {
      trimmed = box;
      current = await encoder(sharp(current).extract(box), format, quality, sixteenBit).toBuffer();
      outW = box.width;
      outH = box.height;
    }
  }
  if (input.pad_px > 0) {
    const p = input.pad_px;
    const background = hasAlpha ? { r: 0, g: 0, b: 0, alpha: 0 } : { r: border[0]!, g: border[1] ?? border[0]!, b: border[2] ?? border[0]!, alpha: 1 };
    current = await encoder(sharp(current).extend({ top: p, bottom: p, left: p, right: p, background }), format, quality, sixteenBit).toBuffer();
    outW += 2 * p;
    outH += 2 * p;
  }
  if (current !== source) {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    try {
      await fs.promises.writeFile(temp, current);
      await fs.promises.rename(temp, file);
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  }

  let thumbnail: PostprocessResult['thumbnail'] = null;
  if (input.thumbnail_px > 0) {
    const ext = path.extname(file);
    const thumbFile = input.thumbnailFile ?? `${file.slice(0, file.length - ext.length)}_thumb${ext}`;
    // fit inside: the longer side becomes exactly thumbnail_px, enlarging small renders too.
    const written = await encoder(sharp(current).resize(input.thumbnail_px, input.thumbnail_px, { fit: 'inside' }), format, quality, sixteenBit).toFile(thumbFile);
    thumbnail = { file: thumbFile, width: written.width, height: written.height, sha256: await sha256File(thumbFile) };
  }
  return { file, width: outW, height: outH, format, sha256: await sha256File(file), trimmed, thumbnail };
}

/** Bounding box of the pixels that are not border; null when there are none. */
function contentBox(data: Buffer, width: number, height: number, channels: number, hasAlpha: boolean, border: number[]) {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  const colorChannels = hasAlpha ? channels - 1 : channels;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      let content: boolean;
      if (hasAlpha) content = data[i + channels - 1]! > ALPHA_TOLERANCE;
      else {
        content = false;
        for (let c = 0; c < colorChannels; c++) if (Math.abs(data[i + c]! - border[c]!) > COLOR_TOLERANCE) content = true;
      }
      if (!content) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return null;
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
