import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import type { Backend } from './backend';

let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
beforeAll(() => {
  tmp = makeTempDir();
  backend = testBackend(path.join(tmp.dir, 'data'));
});
afterAll(() => {
  backend.close();
  tmp.cleanup();
});

describe('settings.update blenderEnv (issue 13 item 5)', () => {
  it('is set from a loopback client and refused from another machine, like executable paths (it can run code: LD_PRELOAD)', async () => {
    const local = await backend.dispatch('settings.update', { blenderEnv: { OCIO: '/studio/ocio.config' } }, { transport: 'http', loopback: true });
    expect(local).toMatchObject({ ok: true, result: { blenderEnv: { OCIO: '/studio/ocio.config' } } });
    const remote = await backend.dispatch('settings.update', { blenderEnv: { LD_PRELOAD: '/tmp/x.so' } }, { transport: 'http', loopback: false });
    expect(remote).toMatchObject({ ok: false, error: { code: 'forbidden', path: 'blenderEnv' } });
    expect(backend.settings.get().blenderEnv).toEqual({ OCIO: '/studio/ocio.config' });
    const bad = await backend.dispatch('settings.update', { blenderEnv: { 'NOT-A-NAME': 'x' } }, { transport: 'ipc' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', path: 'blenderEnv.NOT-A-NAME' } });
  });
});
