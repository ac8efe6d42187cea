import { runCli } from './run-cli';

// Entry of the `lightbox` bin in plain Node.
const stopSignal = new Promise<string>((resolve) => {
  process.once('SIGINT', () => resolve('SIGINT'));
  process.once('SIGTERM', () => resolve('SIGTERM'));
});

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stopSignal,
});
process.exitCode = code;
// Long-lived handles (a closed server's timers) must not keep a finished verb alive.
process.stdout.write('', () => process.exit(code));
