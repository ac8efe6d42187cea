import { runCli } from '../entry/cli/run-cli';
import type { CliIO } from '../entry/cli/verb';

/** A CliIO that records what a verb prints; stopSignal resolves only when `stop` is given one. */
export function captureCli(env: NodeJS.ProcessEnv = {}, stop: Promise<string> = new Promise(() => {})) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, stopSignal: stop };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

/** Runs `lightbox ARGS --data-dir DATA_DIR` in this process; answers its exit code and what it printed. */
export async function cliOn(dataDir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureCli(process.env);
  const code = await runCli([...args, '--data-dir', dataDir], c.io);
  return { code, out: c.out(), err: c.err() };
}
