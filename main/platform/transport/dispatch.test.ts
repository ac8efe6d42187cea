import { describe, expect, it, vi } from 'vitest';
import { ApiFailure, MAX_INPUT_BYTES, methods } from '../../../shared/contract';
import { createDispatch, type Handlers } from './dispatch';
import { defaultSettings } from '../settings/defaults';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const settings = defaultSettings(4);
  const fail = () => {
    throw new Error('not used in this test');
  };
  const unused = Object.fromEntries(Object.keys(methods).map((m) => [m, fail])) as unknown as Handlers;
  return {
    ...unused,
    'app.info': fail,
    'settings.get': () => settings,
    'settings.defaults': () => settings,
    'settings.update': () => settings,
    'settings.setDataDir': fail,
    'preflight.run': fail,
    'preflight.last': () => null,
    ...overrides,
  };
}

const ctx = { transport: 'http' as const };

describe('dispatch', () => {
  it('answers a valid call with the handler result', async () => {
    const dispatch = createDispatch(handlers());
    const result = await dispatch('settings.get', {}, ctx);
    expect(result).toEqual({ ok: true, result: defaultSettings(4) });
  });

  it('refuses an input larger than the contract limit before any handler, on IPC too', async () => {
    const handler = vi.fn();
    const dispatch = createDispatch(handlers({ 'settings.update': handler }));
    const result = await dispatch('settings.update', { blenderPath: 'é'.repeat(MAX_INPUT_BYTES / 2) }, { transport: 'ipc' });
    expect(result).toEqual({ ok: false, error: { code: 'invalid_input', path: '', message: `input is ${MAX_INPUT_BYTES + 18} bytes as JSON; a call takes at most ${MAX_INPUT_BYTES}` } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('treats a missing input as an empty object', async () => {
    const dispatch = createDispatch(handlers());
    expect((await dispatch('preflight.last', undefined, ctx)).ok).toBe(true);
  });

  it('names the offending field of a malformed payload, with every issue listed', async () => {
    const handler = vi.fn();
    const dispatch = createDispatch(handlers({ 'settings.update': handler }));
    const result = await dispatch('settings.update', { farm: { concurrency: 'lots', mode: 'hot' } }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.path).toBe('farm.concurrency');
    expect(result.error.message).toMatch(/^farm\.concurrency: .*"lots"$/);
    expect(result.error.issues?.map((i) => i.path)).toEqual(['farm.concurrency', 'farm.mode']);
    expect(handler).not.toHaveBeenCalled();
  });

  it('names the value it refused as well as its path: enum, type, range and format errors alike', async () => {
    const handler = vi.fn();
    const dispatch = createDispatch(handlers({ 'settings.update': handler }));
    const refusal = async (method: string, input: unknown) => {
      const result = await dispatch(method, input, ctx);
      if (result.ok) throw new Error(`${method} accepted ${JSON.stringify(input)}`);
      return result.error;
    };
    expect(await refusal('settings.update', { farm: { mode: 'hot' } })).toMatchObject({
      code: 'invalid_input',
      path: 'farm.mode',
      message: 'farm.mode: Invalid option: expected one of "warm"|"cold", got "hot"',
    });
    expect(await refusal('settings.update', { farm: { concurrency: 'lots' } })).toMatchObject({
      path: 'farm.concurrency',
      message: 'farm.concurrency: Invalid input: expected number, received string "lots"',
    });
    expect(await refusal('settings.update', { farm: { concurrency: 500 } })).toMatchObject({
      path: 'farm.concurrency',
      message: 'farm.concurrency: Too big: expected number to be <=64, got 500',
    });
    expect(await refusal('cad.uploadFinish', { uploadId: 'xyz' })).toMatchObject({ path: 'uploadId', message: 'uploadId: is not an upload id, got "xyz"' });
    // Every issue names its own value.
    // (0 local slots is allowed: a controller that only hands work to render agents.)
    expect((await refusal('settings.update', { farm: { concurrency: -1, mode: 'hot' } })).issues).toEqual([
      { path: 'farm.concurrency', message: 'farm.concurrency: Too small: expected number to be >=0, got -1' },
      { path: 'farm.mode', message: 'farm.mode: Invalid option: expected one of "warm"|"cold", got "hot"' },
    ]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses unknown keys by name', async () => {
    const dispatch = createDispatch(handlers());
    const result = await dispatch('settings.update', { blenderPth: '/x' }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!result.ok) expect(result.error.message).toContain('blenderPth');
  });

  it('refuses a non-object payload', async () => {
    const dispatch = createDispatch(handlers());
    for (const input of [null, 42, 'x', [1]]) {
      const result = await dispatch('settings.get', input, ctx);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', path: '' } });
    }
  });

  it('answers an unknown method as data', async () => {
    const dispatch = createDispatch(handlers());
    expect(await dispatch('fs.readFile', {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    // Prototype keys are not methods.
    expect(await dispatch('constructor', {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('passes an expected failure through with its code and path', async () => {
    const dispatch = createDispatch(
      handlers({
        'settings.update': () => {
          throw new ApiFailure('busy', 'a render is running', 'farm');
        },
      }),
    );
    expect(await dispatch('settings.update', {}, ctx)).toEqual({
      ok: false,
      error: { code: 'busy', message: 'a render is running', path: 'farm' },
    });
  });

  it('hides unexpected errors behind a generic message without a stack', async () => {
    const logError = vi.fn();
    const dispatch = createDispatch(
      handlers({
        'settings.get': () => {
          throw new Error('secret /home/me/internal detail');
        },
      }),
      { logError },
    );
    const result = await dispatch('settings.get', {}, ctx);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'settings.get failed unexpectedly', path: '' } });
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(logError).toHaveBeenCalledOnce();
  });

  it('refuses an answer outside the output schema', async () => {
    const logError = vi.fn();
    const dispatch = createDispatch(handlers({ 'settings.get': () => ({ nonsense: true }) as never }), { logError });
    expect(await dispatch('settings.get', {}, ctx)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logError).toHaveBeenCalledOnce();
  });
});
