import { parseArgs } from 'node:util';
import { appVersion } from '../../../workers/resources/paths';
import { verbs } from './verbs';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Verb } from './verb';

function mainHelp(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  const rows = verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`);
  return [
    'Usage: lightbox <verb> [options]',
    '',
    'Verbs:',
    ...rows,
    '',
    'Options:',
    '  --help, -h     help for lightbox, or for a verb: lightbox <verb> --help',
    '  --version      print the version',
    '',
    'Exit codes: 0 ok, 1 failed, 2 usage error.',
    '',
  ].join('\n');
}

function verbHelp(verb: Verb): string {
  const width = Math.max(10, ...verb.optionHelp.map(([flag]) => flag.length));
  const rows = [...verb.optionHelp, ['--help, -h', 'show this help'] as [string, string]].map(
    ([flag, text]) => `  ${flag.padEnd(width)}  ${text}`,
  );
  return [`Usage: ${verb.usage}`, '', verb.summary, '', 'Options:', ...rows, ''].join('\n');
}

/** Runs the CLI and answers its exit code; never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(mainHelp());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const topicName = rest.join(' ');
    const verb = topic ? verbs.find((v) => v.name === topicName) : undefined;
    if (topic && !verb) {
      io.stderr(`lightbox: unknown verb "${topicName}"\n\n${mainHelp()}`);
      return EXIT_USAGE;
    }
    io.stdout(verb ? verbHelp(verb) : mainHelp());
    return EXIT_OK;
  }
  if (first === '--version') {
    io.stdout(`${appVersion()}\n`);
    return EXIT_OK;
  }
  // Verbs may have two words ("legacy import"): the longest name that prefixes argv wins.
  const verb = [...verbs]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((v) => v.name.split(' ').every((word, i) => argv[i] === word));
  if (!verb) {
    const group = verbs.filter((v) => v.name.startsWith(`${first} `));
    if (group.length > 0) {
      const asked = rest[0] === '--help' || rest[0] === '-h';
      const unknown = rest[0] && !asked ? `lightbox: unknown verb "${first} ${rest[0]}"\n\n` : '';
      const list = group.map((v) => `  ${v.name}  ${v.summary}`).join('\n');
      const text = `${unknown}Usage: lightbox ${first} <verb>\n\nVerbs:\n${list}\n`;
      if (asked) io.stdout(text);
      else io.stderr(text);
      return asked ? EXIT_OK : EXIT_USAGE;
    }
    io.stderr(`lightbox: unknown verb "${first}"\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  const verbArgs = argv.slice(verb.name.split(' ').length);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: verbArgs,
      options: { ...verb.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr(`lightbox ${verb.name}: ${(error as Error).message}\n\n${verbHelp(verb)}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    io.stdout(verbHelp(verb));
    return EXIT_OK;
  }
  try {
    return await verb.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`lightbox ${verb.name}: ${error.message}\n\n${verbHelp(verb)}`);
      return EXIT_USAGE;
    }
    // Expected failures carry a message written for people; a stack only on request.
    io.stderr(`lightbox ${verb.name}: ${(error as Error).message ?? String(error)}\n`);
    if (io.env.LIGHTBOX_DEBUG) io.stderr(`${(error as Error).stack ?? ''}\n`);
    return EXIT_FAILED;
  }
}
