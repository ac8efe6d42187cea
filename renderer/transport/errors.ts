import { ApiErrorSchema, ContractError, type ApiError } from '../../shared/contract';
import type { Problem } from '../../shared/workflow/problems';

/** Error codes only the client produces; the backend's own codes come from shared ErrorCodes. */
export const ClientErrorCodes = {
  /** The socket dropped after the call was sent; the outcome is unknown, so it is not re-sent. */
  connectionLost: 'connection_lost',
  /** The backend answered something outside the contract. */
  badResponse: 'bad_response',
  /** The host refused the access token. */
  unauthorized: 'unauthorized',
  /** The Electron bridge itself failed (not the method). */
  bridgeFailed: 'bridge_failed',
} as const;

export function contractError(code: string, message: string, path = ''): ContractError {
  return new ContractError({ code, message, path });
}

/** Wraps error data from the wire, which is untrusted until checked. */
export function toContractError(raw: unknown): ContractError {
  const parsed = ApiErrorSchema.safeParse(raw);
  const data: ApiError = parsed.success
    ? parsed.data
    : { code: ClientErrorCodes.badResponse, message: 'the backend answered with a malformed error', path: '' };
  return new ContractError(data);
}

/** A human sentence for any failure, for places that show errors as text. */
export function errorText(error: unknown): string {
  if (error instanceof ContractError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The errors of a refused workflow (a save or dispatch the backend refused), as it sent them; none for other failures. */
export function refusedProblems(error: unknown): Problem[] {
  return error instanceof ContractError ? (error.problems ?? []).filter((p) => p.severity === 'error') : [];
}
