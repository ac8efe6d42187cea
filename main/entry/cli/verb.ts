import type { ParseArgsConfig } from 'node:util';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running verbs wait on it. */
  stopSignal: Promise<string>;
}

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** One CLI verb. Later capabilities add verbs by adding a module to the table in verbs/index. */
export interface Verb {
  name: string;
  summary: string;
  usage: string;
  /** Lines of help for each option, in order. */
  optionHelp: [string, string][];
  options: CliOptions;
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A usage problem (bad flag, missing argument): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
