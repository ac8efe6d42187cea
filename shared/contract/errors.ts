import { z } from 'zod';
import { ProblemSchema, type Problem } from '../workflow/problems';

/** Every failure crosses the contract as data, never as a stack trace. */
export const ApiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Dotted path of the offending field ("farm.concurrency", "items[2].name"); "" for the whole input. */
  path: z.string(),
  /** All problems when there were several; the first is repeated in code/message/path. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** Workflow validation findings, when a save or dispatch was refused because of them. */
  problems: z.array(ProblemSchema).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const ErrorCodes = {
  invalidInput: 'invalid_input',
  unknownMethod: 'unknown_method',
  unauthorized: 'unauthorized',
  badRequest: 'bad_request',
  notFound: 'not_found',
  internal: 'internal',
} as const;

/** Thrown by services for an expected failure; transports turn it into ApiError data. */
export class ApiFailure extends Error {
  readonly code: string;
  readonly path: string;
  readonly problems: Problem[] | undefined;
  constructor(code: string, message: string, path = '', problems?: Problem[]) {
    super(message);
    this.name = 'ApiFailure';
    this.code = code;
    this.path = path;
    this.problems = problems;
  }
  toData(): ApiError {
    return { code: this.code, message: this.message, path: this.path, ...(this.problems ? { problems: this.problems } : {}) };
  }
}

/** Client-side error carrying the ApiError the backend answered. */
export class ContractError extends Error {
  readonly code: string;
  readonly path: string;
  readonly issues: ApiError['issues'];
  /** A refused workflow's every problem, as the backend sent them. */
  readonly problems: ApiError['problems'];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ContractError';
    this.code = error.code;
    this.path = error.path;
    this.issues = error.issues;
    this.problems = error.problems;
  }
}

type IssuePath = ReadonlyArray<PropertyKey>;

export function formatPath(path: IssuePath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Turns a zod error into one ApiError naming the first offending field, with every issue listed. */
export function zodToApiError(error: z.ZodError, code: string = ErrorCodes.invalidInput): ApiError {
  const issues = error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return { path, message: path ? `${path}: ${issue.message}` : issue.message };
  });
  const first = issues[0] ?? { path: '', message: 'invalid input' };
  return { code, message: first.message, path: first.path, issues };
}
