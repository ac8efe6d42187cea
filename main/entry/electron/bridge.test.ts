import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, methods, events } from '../../../shared/contract';
import { createPreloadBridge, isTrustedSender } from './bridge';

// The preload's logic in plain Node: an EventEmitter stands in for the IPC pipe, which cannot
// run without an Electron binary. The e2e Electron project checks the real thing where it can.
function pipe() {
  const emitter = new EventEmitter();
  const invoked: unknown[][] = [];
  return {
    emitter,
    invoked,
    ipc: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push([channel, ...args]);
        return { ok: true, result: 'answered' };
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => emitter.on(channel, listener),
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => emitter.removeListener(channel, listener),
    },
  };
}

describe('preload bridge', () => {
  it('exposes exactly the contract, frozen', () => {
    const bridge = createPreloadBridge(pipe().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'events', 'methods', 'subscribe']);
    expect(bridge.methods).toEqual(Object.keys(methods));
    expect(bridge.events).toEqual(Object.keys(events));
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('forwards contract methods and refuses anything else without touching IPC', async () => {
    const p = pipe();
    const bridge = createPreloadBridge(p.ipc);
    expect(await bridge.call('settings.get', {})).toEqual({ ok: true, result: 'answered' });
    expect(await bridge.call('shell.openExternal', 'file:///etc/passwd')).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await bridge.call('__proto__', {})).toMatchObject({ ok: false });
    expect(p.invoked).toEqual([[IPC_CALL_CHANNEL, 'settings.get', {}]]);
  });

  it('delivers contract events only, and unsubscribes', () => {
    const p = pipe();
    const seen: string[] = [];
    const off = createPreloadBridge(p.ipc).subscribe((name) => seen.push(name));
    p.emitter.emit(IPC_EVENT_CHANNEL, {}, 'settings.changed', {});
    p.emitter.emit(IPC_EVENT_CHANNEL, {}, 'internal.secret', {});
    off();
    p.emitter.emit(IPC_EVENT_CHANNEL, {}, 'settings.changed', {});
    expect(seen).toEqual(['settings.changed']);
  });

  it('trusts only the top frame of our window on the app origin', () => {
    const ok = { isOurWindow: true, isMainFrame: true, frameUrl: 'lightbox://app/index.html' };
    expect(isTrustedSender(ok, 'lightbox://app')).toBe(true);
    expect(isTrustedSender({ ...ok, isOurWindow: false }, 'lightbox://app')).toBe(false);
    expect(isTrustedSender({ ...ok, isMainFrame: false }, 'lightbox://app')).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' }, 'lightbox://app')).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: null }, 'lightbox://app')).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'lightbox://other/index.html' }, 'lightbox://app')).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'not a url' }, 'lightbox://app')).toBe(false);
  });
});
