import type { EventName, EventPayload } from './events';
import type { MethodInput, MethodName, MethodOutput } from './methods';
import type { CallResult } from './wire';

/** What the renderer holds: typed calls and events, whichever transport carries them. */
export interface ContractClient {
  readonly transport: 'ipc' | 'http';
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * The surface the Electron preload exposes on window.lightbox. It is untyped on purpose
 * at this level (strings in, CallResult out); the renderer wraps it in a ContractClient.
 */
export interface PreloadBridge {
  call(method: string, input: unknown): Promise<CallResult>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  readonly methods: readonly string[];
  readonly events: readonly string[];
}
