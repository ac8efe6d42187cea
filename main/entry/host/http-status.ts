import { ErrorCodes } from '../../../shared/contract';

/** HTTP status for an error code of the contract; domain failures are 422. */
export function statusForError(code: string): number {
  switch (code) {
    case ErrorCodes.invalidInput:
    case ErrorCodes.badRequest:
      return 400;
    case ErrorCodes.unauthorized:
      return 401;
    case ErrorCodes.forbidden:
      return 403;
    case ErrorCodes.unknownMethod:
    case ErrorCodes.notFound:
      return 404;
    case ErrorCodes.internal:
      return 500;
    default:
      return 422;
  }
}
