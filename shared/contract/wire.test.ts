import { describe, expect, it } from 'vitest';

import { WsServerMessageSchema } from './wire';

describe('wire format', () => {
  it('parses every frame the host sends', () => {
    for (const frame of [
      { type: 'result', id: 1, ok: true, result: { a: 1 } },
      { type: 'result', id: null, ok: false, error: { code: 'bad_request', message: 'x', path: '' } },
      { type: 'event', event: 'settings.changed', payload: {} },
    ]) {
      expect(WsServerMessageSchema.parse(frame)).toEqual(frame);
    }
    expect(WsServerMessageSchema.safeParse({ type: 'result', id: 1, ok: false }).success).toBe(false);
  });
});
