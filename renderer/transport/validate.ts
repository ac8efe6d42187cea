import { ContractError, methods, zodToApiError, type MethodName, type MethodOutput } from '../../shared/contract';
import { ClientErrorCodes } from './errors';

/**
 * Checks an answer against the method's output schema, so a backend drifting from the contract
 * fails loudly at the boundary instead of as undefined deep in a component.
 */
export function checkResult<M extends MethodName>(method: M, result: unknown): MethodOutput<M> {
  const parsed = methods[method].output.safeParse(result);
  if (!parsed.success) {
    const error = zodToApiError(parsed.error, ClientErrorCodes.badResponse);
    throw new ContractError({ ...error, message: `${method} answered outside the contract: ${error.message}` });
  }
  return parsed.data as MethodOutput<M>;
}
