import {
  ErrorCodes,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  events,
  methods,
  type CallResult,
  type PreloadBridge,
} from '../../../shared/contract';

/** The two ipcRenderer calls the bridge needs; kept narrow so the page can never reach more. */
export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** Builds what the preload exposes: the contract's method and event names, nothing else. */
export function createPreloadBridge(ipc: IpcLike): PreloadBridge {
  const methodNames = Object.freeze(Object.keys(methods));
  const eventNames = Object.freeze(Object.keys(events));
  return Object.freeze({
    methods: methodNames,
    events: eventNames,
    call(method: string, input: unknown): Promise<CallResult> {
      if (typeof method !== 'string' || !methodNames.includes(method)) {
        return Promise.resolve({ ok: false, error: { code: ErrorCodes.unknownMethod, message: `unknown method "${String(method)}"`, path: '' } });
      }
      return ipc.invoke(IPC_CALL_CHANNEL, method, input) as Promise<CallResult>;
    },
    subscribe(listener: (event: string, payload: unknown) => void): () => void {
      const handler = (_event: unknown, name: unknown, payload: unknown): void => {
        if (typeof name === 'string' && eventNames.includes(name)) listener(name, payload);
      };
      ipc.on(IPC_EVENT_CHANNEL, handler as (event: unknown, ...args: unknown[]) => void);
      return () => void ipc.removeListener(IPC_EVENT_CHANNEL, handler as (event: unknown, ...args: unknown[]) => void);
    },
  });
}

/**
 * scheme://host of a URL. Node's URL gives origin "null" for custom schemes such as lightbox:,
 * so the origin is rebuilt from its parts.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** Main answers only its own window's top frame, loaded from the app origin. */
export function isTrustedSender(sender: { isOurWindow: boolean; isMainFrame: boolean; frameUrl: string | null }, appOrigin: string): boolean {
  if (!sender.isOurWindow || !sender.isMainFrame || !sender.frameUrl) return false;
  return originOf(sender.frameUrl) === appOrigin;
}
