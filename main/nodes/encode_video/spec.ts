import { z } from 'zod';
import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';
import { VideoCodecSchema } from '../../../shared/nodes/settings-parts';

/** Encode video: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'encode_video',
  version: 1,
  title: 'Encode video',
  description: 'Encodes a frame sequence with ffmpeg (H.264 or VP9), from the exact list of frames.',
  category: 'post',
  families: ORDER_LINE,
  inputs: [input('frames', 'Frames', ['image_sequence'])],
  outputs: [output('video', 'Video', 'video'), output('frames', 'Frames', 'image_sequence')],
  settings: obj({
    codec: VideoCodecSchema.default('h264'),
    crf: z.number().int().min(0).max(51).default(23),
    fps: z.number().int().min(1).max(120).default(24),
  }),
  isOutput: false,
  legacyService: 'encode_video',
  upgrades: [],
  traits: nodeTraits({ cacheable: true, keyedByRun: true }),
} satisfies NodeSpec;
