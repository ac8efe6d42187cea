import {
  ApiFailure,
  ErrorCodes,
  isMethodName,
  MAX_INPUT_BYTES,
  methods,
  zodToApiError,
  type CallResult,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../../../shared/contract';

export interface CallContext {
  transport: 'ipc' | 'http';
  /**
   * False when the call came over the network from another machine (the host bound beyond
   * loopback). IPC and loopback clients leave it absent or true. Settings naming executables
   * (Blender, ffmpeg) change only from the desktop app or a loopback client.
   */
  loopback?: boolean;
}

export type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  ctx: CallContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

/** The handlers one capability contributes; the backend joins every group into Handlers. */
export type HandlerGroup<K extends MethodName> = { [M in K]: Handler<M> };

export type Dispatch = (method: string, input: unknown, ctx: CallContext) => Promise<CallResult>;

export interface DispatchOptions {
  /** Where unexpected errors go; the caller only ever sees a generic message. */
  logError?: (method: string, error: unknown) => void;
}

/**
 * The single entry for every call on every transport: checks the method exists, validates the
 * input, runs the handler, checks the output, and turns every failure into error data.
 */
export function createDispatch(handlers: Handlers, options: DispatchOptions = {}): Dispatch {
  const logError = options.logError ?? ((method, error) => console.error(`[lightbox] ${method} failed:`, error));
  return async (method, rawInput, ctx) => {
    if (!isMethodName(method)) {
      return {
        ok: false,
        error: { code: ErrorCodes.unknownMethod, message: `unknown method "${method}"`, path: '' },
      };
    }
    const def = methods[method];
    const input = rawInput === undefined ? {} : rawInput;
    const tooLarge = inputSizeProblem(input);
    if (tooLarge) return { ok: false, error: { code: ErrorCodes.invalidInput, message: tooLarge, path: '' } };
    const parsed = def.input.safeParse(input);
    if (!parsed.success) return { ok: false, error: zodToApiError(parsed.error, ErrorCodes.invalidInput, input) };
    try {
      const handler = handlers[method] as Handler<MethodName>;
      const result = await handler(parsed.data as never, ctx);
      const checked = def.output.safeParse(result);
      if (!checked.success) {
        logError(method, checked.error);
        return {
          ok: false,
          error: { code: ErrorCodes.internal, message: `${method} produced an answer outside its contract`, path: '' },
        };
      }
      return { ok: true, result: checked.data };
    } catch (error) {
      if (error instanceof ApiFailure) return { ok: false, error: error.toData() };
      logError(method, error);
      return { ok: false, error: { code: ErrorCodes.internal, message: `${method} failed unexpectedly`, path: '' } };
    }
  };
}

/** The contract's one size limit, the same on every transport (see MAX_INPUT_BYTES). */
function inputSizeProblem(input: unknown): string | null {
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(input) ?? '');
  } catch {
    return 'input is not JSON data';
  }
  return bytes > MAX_INPUT_BYTES ? `input is ${bytes} bytes as JSON; a call takes at most ${MAX_INPUT_BYTES}` : null;
}
