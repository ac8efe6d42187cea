import { z } from 'zod';

/** What flows along an edge. An output fits an input when the input accepts its type. */
export const PortTypeSchema = z.enum([
  'order_line',
  'cad_source',
  'mesh_asset',
  'metadata',
  'scene',
  'image',
  'image_sequence',
  'video',
  'blend_file',
  'media_asset',
  'notification',
  'parameters',
]);
export type PortType = z.infer<typeof PortTypeSchema>;

export const PortSpecSchema = z.object({
  name: z.string(),
  title: z.string(),
  /** Input: the types it accepts. Output: exactly one type. */
  types: z.array(PortTypeSchema).min(1),
  /** Inputs only: the node cannot run without it. */
  required: z.boolean(),
});
export type PortSpec = z.infer<typeof PortSpecSchema>;

export const input = (name: string, title: string, types: PortType[], required = true): PortSpec => ({ name, title, types, required });
export const output = (name: string, title: string, type: PortType): PortSpec => ({ name, title, types: [type], required: false });
