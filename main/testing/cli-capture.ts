import type { CliIO } from '../entry/cli/verb';

/** A CliIO that records what a verb prints; stopSignal resolves only when `stop` is given one. */
export function captureCli(env: NodeJS.ProcessEnv = {}, stop: Promise<string> = new Promise(() => {})) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, stopSignal: stop };
  return { io, out: () => out.join(''), err: () => err.join('') };
}
