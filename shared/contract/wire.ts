import { z } from 'zod';
import { ApiErrorSchema, type ApiError } from './errors';

/**
 * The largest call input the contract accepts: its JSON encoding, in UTF-8 bytes. The dispatch
 * refuses anything larger on every transport (IPC too), and every transport carries at least
 * MAX_MESSAGE_BYTES, so whatever the contract accepts (legacy.import of many documents) fits in
 * one WebSocket frame or HTTP body.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;
/** The largest WebSocket frame or HTTP body a transport reads: an input of MAX_INPUT_BYTES and its envelope. */
export const MAX_MESSAGE_BYTES = MAX_INPUT_BYTES + 64 * 1024;

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
