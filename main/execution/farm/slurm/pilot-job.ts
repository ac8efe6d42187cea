/**
 * A pilot's batch job: a shell script that execs one command. A word is either literal text,
 * single-quoted so nothing in it is expanded, or `{ env: NAME }`, the job's own variable (the
 * Slurm job id is only known on the node).
 */
export type ScriptWord = string | { env: string };

export function shellWord(word: ScriptWord): string {
  if (typeof word !== 'string') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(word.env)) throw new Error(`not an environment variable name: ${JSON.stringify(word.env)}`);
    return `"$${word.env}"`;
  }
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function pilotScript(command: ScriptWord[]): string {
  if (command.length === 0) throw new Error('a pilot needs a command');
  return `#!/bin/sh\n# A Lightbox pilot: a render agent that serves the farm while it has work.\nexec ${command.map(shellWord).join(' ')}\n`;
}

export interface PilotCommandInput {
  /** The program and leading arguments from the settings, e.g. ['lightbox']. */
  command: string[];
  controllerUrl: string;
  slots: number;
  threads: number;
  idleExitSeconds: number;
}

/**
 * `lightbox agent` as a pilot. The token is not here: it goes in the job's environment as
 * LIGHTBOX_AGENT_TOKEN, since arguments show in every process list on the node.
 */
export function lightboxAgentCommand(input: PilotCommandInput): ScriptWord[] {
  return [
    ...input.command,
    'agent',
    '--controller',
    input.controllerUrl,
    '--slots',
    String(input.slots),
    '--threads',
    String(input.threads),
    '--idle-exit',
    String(input.idleExitSeconds),
    '--slurm-job-id',
    { env: 'SLURM_JOB_ID' },
    '--json',
  ];
}
