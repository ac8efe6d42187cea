import type {
  ContractClient,
  ContractError,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  WsClientMessage,
} from '../../shared/contract';
import { MAX_MESSAGE_BYTES } from '../../shared/contract';
import type { ConnectionStore } from './connection';
import { ClientErrorCodes, contractError, toContractError } from './errors';
import { EventHub } from './event-hub';
import { parseServerFrame } from './frames';
import { checkResult } from './validate';

export type TokenProbe = 'accepted' | 'refused' | 'unreachable';

export interface HostClientOptions {
  /** ws:// or wss:// URL of /ws, token included. */
  socketUrl: string;
  connection: ConnectionStore;
  /** Asks the host over HTTP whether the token is accepted; a browser WebSocket hides the 401. */
  probe: () => Promise<TokenProbe>;
  /** Called once when the host refuses the token. */
  onRefused?: () => void;
}

interface Pending {
  frame: string;
  sent: boolean;
  resolve: (result: unknown) => void;
  reject: (error: ContractError) => void;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const MAX_BACKOFF_MS = 10_000;

/**
 * The headless host over one WebSocket: calls are queued until the socket is open, answers are
 * matched by id, events fan out to listeners. A dropped socket reconnects with backoff.
 */
export class HostClient implements ContractClient {
  readonly transport = 'http' as const;
  private readonly hub = new EventHub();
  private readonly pending = new Map<number, Pending>();
  private socket: WebSocket | null = null;
  private nextId = 1;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly options: HostClientOptions) {
    this.connect();
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    if (this.options.connection.getState().phase === 'refused') {
      return Promise.reject(contractError(ClientErrorCodes.unauthorized, 'the host refused the access token'));
    }
    const id = this.nextId++;
    const message: WsClientMessage = { type: 'call', id, method, input };
    const frame = JSON.stringify(message);
    // The host closes the socket (1009) on a frame over its limit; the contract refuses such an input anyway.
    if (frame.length * 3 > MAX_MESSAGE_BYTES && new TextEncoder().encode(frame).length > MAX_MESSAGE_BYTES) {
      return Promise.reject(contractError('invalid_input', `the call is over ${MAX_MESSAGE_BYTES} bytes, more than the host takes in one message`));
    }
    const answer = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { frame, sent: false, resolve, reject });
    });
    this.flush();
    return answer.then((result) => checkResult(method, result));
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.hub.on(event, listener);
  }

  /** Skips the backoff wait (the "Retry now" button). */
  reconnectNow(): void {
    if (this.closed || this.socket || this.options.connection.getState().phase === 'refused') return;
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.rejectAll(contractError(ClientErrorCodes.connectionLost, 'the client was closed'), true);
  }

  private connect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const { connection } = this.options;
    const state = connection.getState();
    connection.setState({ phase: state.epoch === 0 && state.attempt === 0 ? 'connecting' : 'reconnecting', retryAt: null });

    let opened = false;
    const socket = new WebSocket(this.options.socketUrl);
    this.socket = socket;
    socket.addEventListener('open', () => {
      opened = true;
      connection.setState((s) => ({ phase: 'open', attempt: 0, retryAt: null, epoch: s.epoch + 1 }));
      this.flush();
    });
    socket.addEventListener('message', (event) => this.onFrame(event.data));
    socket.addEventListener('close', () => {
      if (this.socket === socket) this.socket = null;
      // Sent calls may or may not have run; re-sending could apply a change twice, so they fail.
      this.rejectAll(contractError(ClientErrorCodes.connectionLost, 'the connection to the host was lost before the answer came'), false);
      if (!this.closed) void this.afterDrop(opened);
    });
  }

  private async afterDrop(wasOpen: boolean): Promise<void> {
    const { connection } = this.options;
    // A socket that never opened may have been refused (401); an HTTP call can tell, the socket cannot.
    if (!wasOpen && (await this.options.probe()) === 'refused') {
      connection.setState({ phase: 'refused', retryAt: null });
      this.rejectAll(contractError(ClientErrorCodes.unauthorized, 'the host refused the access token'), true);
      this.options.onRefused?.();
      return;
    }
    if (this.closed) return;
    const attempt = connection.getState().attempt;
    const base = BACKOFF_MS[attempt] ?? MAX_BACKOFF_MS;
    // Jitter keeps many tabs from hammering a restarting host in lockstep.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    connection.setState({ phase: 'reconnecting', attempt: attempt + 1, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    for (const entry of this.pending.values()) {
      if (entry.sent) continue;
      socket.send(entry.frame);
      entry.sent = true;
    }
  }

  private onFrame(data: unknown): void {
    const frame = parseServerFrame(data);
    if (!frame) {
      console.warn('[lightbox] ignored a frame outside the wire format');
      return;
    }
    if (frame.type === 'event') {
      this.hub.emit(frame.event, frame.payload);
      return;
    }
    const id = frame.id;
    if (id === null) {
      // The host could not read one of our frames at all; nothing to match it to.
      console.warn('[lightbox] the host rejected an unreadable frame');
      return;
    }
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (frame.ok) entry.resolve(frame.result);
    else entry.reject(toContractError(frame.error));
  }

  /** Rejects sent calls (or all calls, when the client can never deliver the rest). */
  private rejectAll(error: ContractError, includeUnsent: boolean): void {
    for (const [id, entry] of this.pending) {
      if (!entry.sent && !includeUnsent) continue;
      this.pending.delete(id);
      entry.reject(error);
    }
  }
}

/** Asks POST /api/app.info with the token: 401 means refused, a network error means the host is down. */
export async function probeToken(token: string): Promise<TokenProbe> {
  try {
    const response = await fetch('/api/app.info', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
      cache: 'no-store',
    });
    return response.status === 401 ? 'refused' : 'accepted';
  } catch {
    return 'unreachable';
  }
}

export function socketUrlFor(location: Location, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}
