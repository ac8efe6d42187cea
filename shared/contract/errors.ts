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
  /** Allowed to some callers only (an executable setting from a remote client). */
  forbidden: 'forbidden',
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

/**
 * A refused value as a message shows it: JSON (numbers as written), cut to 80 characters. Never
 * throws: a value JSON cannot show (nested thousands deep, a cycle) is named by its kind, so
 * describing a refusal cannot itself fail.
 */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Array.isArray(value) ? 'an array too deep to show' : typeof value === 'object' ? 'an object too deep to show' : typeof value;
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAtPath(value: unknown, path: IssuePath): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key as string];
  }
  return at;
}

/** Marks "no input given": the issue's own `input` (parsed with reportInput) is used then. */
const NO_INPUT: unique symbol = Symbol('no input');

/**
 * The one wording of a refused value: the issue's message, then the value found there (enum,
 * type, range, format and rule errors alike), so a message names both the field and what it got:
 * `Invalid option: expected one of "a"|"b", got "c"`, `expected number, received string "lots"`.
 * The value is read at the issue's path in `input` (what the caller was given), else taken from the
 * issue (zod's reportInput). Unknown-field issues already name the field and stay as they are; a
 * message that already quotes the value is not repeated.
 */
export function issueText(issue: z.core.$ZodIssue, input: unknown = NO_INPUT): string {
  const { message } = issue;
  if (issue.code === 'unrecognized_keys') return message;
  const value = input !== NO_INPUT ? valueAtPath(input, issue.path) : (issue as { input?: unknown }).input;
  if (value === undefined) {
    // "received undefined" and messages that say "required" already say it is missing.
    return issue.code === 'invalid_type' || /\brequired\b/.test(message) ? message : `${message}, got nothing`;
  }
  const shown = showValue(value);
  if (message.startsWith(shown) || (typeof value === 'string' && message.includes(shown))) return message;
  if (issue.code === 'invalid_type' && /received \w+$/.test(message)) return value === null ? message : `${message} ${shown}`;
  return `${message}, got ${shown}`;
}

/** Every issue as `{ path, message }`, the message led by the path and naming the value found. */
export function zodIssueList(error: z.ZodError, input: unknown = NO_INPUT): { path: string; message: string }[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const text = issueText(issue, input);
    return { path, message: path ? `${path}: ${text}` : text };
  });
}

/**
 * Turns a zod error into one ApiError naming the first offending field, with every issue listed.
 * Pass the input that was parsed so each message names the value it refused.
 */
export function zodToApiError(error: z.ZodError, code: string = ErrorCodes.invalidInput, input: unknown = NO_INPUT): ApiError {
  const issues = zodIssueList(error, input);
  const first = issues[0] ?? { path: '', message: 'invalid input' };
  return { code, message: first.message, path: first.path, issues };
}
