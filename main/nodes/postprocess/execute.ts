import type { z } from 'zod';
import fs from 'node:fs';
import path from 'node:path';
import { postprocess as postprocessFile } from '../../execution/render/postprocess';
import { inputOf, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** postprocess: trim, pad and thumbnail on a copy in this node's folder (the render's file stays as rendered). */
export const execute: Executor<Settings> = async (execution) => {
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
