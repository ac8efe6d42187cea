import type { ContractClient, EventName, EventPayload, MethodInput, MethodName, MethodOutput, PreloadBridge } from '../../shared/contract';
import { ClientErrorCodes, contractError, errorText, toContractError } from './errors';
import { EventHub } from './event-hub';
import { checkResult } from './validate';

/** Electron: the preload bridge carries untyped strings; this restores the contract's types and checks. */
export class IpcClient implements ContractClient {
  readonly transport = 'ipc' as const;
  private readonly hub = new EventHub();

  constructor(private readonly bridge: PreloadBridge) {
    bridge.subscribe((event, payload) => this.hub.emit(event, payload));
  }

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    let answer: unknown;
    try {
      answer = await this.bridge.call(method, input);
    } catch (error) {
      throw contractError(ClientErrorCodes.bridgeFailed, `${method}: the Electron bridge failed: ${errorText(error)}`);
    }
    if (typeof answer !== 'object' || answer === null || !('ok' in answer)) {
      throw contractError(ClientErrorCodes.badResponse, `${method}: the Electron bridge answered a malformed result`);
    }
    if (answer.ok !== true) throw toContractError((answer as { error?: unknown }).error);
    return checkResult(method, (answer as { result?: unknown }).result);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.hub.on(event, listener);
  }
}

/** The preload exposes the bridge as a global; check its shape rather than trusting the name. */
export function findBridge(global: object, name: string): PreloadBridge | null {
  const candidate: unknown = Reflect.get(global, name);
  if (typeof candidate !== 'object' || candidate === null) return null;
  const bridge = candidate as Partial<PreloadBridge>;
  return typeof bridge.call === 'function' && typeof bridge.subscribe === 'function' ? (candidate as PreloadBridge) : null;
}
