import { z } from 'zod';
import { ApiErrorSchema, type ApiError } from './errors';

/** The answer to one call, on either transport. */
export type CallResult<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiError };

/** WebSocket frames of the headless host. */
export const WsClientMessageSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(200),
  input: z.unknown().optional(),
});
export type WsClientMessage = z.infer<typeof WsClientMessageSchema>;

// A plain union: two variants share type "result" (told apart by ok), which a discriminated union refuses.
export const WsServerMessageSchema = z.union([
  z.object({ type: z.literal('result'), id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().nullable(), ok: z.literal(false), error: ApiErrorSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type WsServerMessage = z.infer<typeof WsServerMessageSchema>;

/** Names used by the Electron preload bridge. */
export const IPC_CALL_CHANNEL = 'lightbox:call';
export const IPC_EVENT_CHANNEL = 'lightbox:event';
/** The global the preload exposes in the Electron renderer. */
export const BRIDGE_GLOBAL = 'lightbox';
