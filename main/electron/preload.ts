import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  BRIDGE_GLOBAL,
  ErrorCodes,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  events,
  methods,
  type CallResult,
  type PreloadBridge,
} from '../../shared/contract';

// The page gets the contract's methods and events and nothing else: no ipcRenderer, no Node.
const methodNames = Object.freeze(Object.keys(methods));
const eventNames = Object.freeze(Object.keys(events));

const bridge: PreloadBridge = {
  methods: methodNames,
  events: eventNames,
  call(method: string, input: unknown): Promise<CallResult> {
    if (!methodNames.includes(method)) {
      return Promise.resolve({ ok: false, error: { code: ErrorCodes.unknownMethod, message: `unknown method "${method}"`, path: '' } });
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, input) as Promise<CallResult>;
  },
  subscribe(listener: (event: string, payload: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown): void => {
      if (eventNames.includes(name)) listener(name, payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
