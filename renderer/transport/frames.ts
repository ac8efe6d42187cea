import { WsServerMessageSchema, type WsServerMessage } from '../../shared/contract';

/** Frames the host pushes over /ws, checked against the wire format of shared/contract/wire.ts. */
export type ServerFrame = WsServerMessage;

export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = WsServerMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
