import { createAuditLog } from '../../../platform/people/audit-log';
import { createPeopleStore } from '../../../platform/people/people-store';
import { RoleSchema } from '../../../platform/people/roles';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type CliIO, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

/** Who the audit log names for a change made at this machine's command line: whoever can open its data directory. */
const localWho = (io: CliIO) => `cli:${io.env.USER ?? io.env.USERNAME ?? 'unknown'}`;

const oneName = (positionals: string[]) => {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the person' : `expected one name, got ${positionals.length}`);
  return positionals[0] as string;
};

export const usersAddVerb: Verb = {
  name: 'users add',
  summary: "Add a person with a role (artist, lead or admin) and print their token, once: only its hash is kept.",
  usage: 'lightbox users add NAME --role artist|lead|admin [--json] [--data-dir DIR]',
  optionHelp: [
    ['--role ROLE', 'artist: authors workflows and output types; lead: also approves comparisons and changes rollout; admin: people and agent tokens'],
    ['--json', 'print {name, role, token}'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, role: { type: 'string' } },
  async run(values, positionals, io) {
    const name = oneName(positionals);
    const role = RoleSchema.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be artist, lead or admin${values.role === undefined ? '' : `, not "${String(values.role)}"`}`);
    return withBackend(values, 'users add', io, async (backend, json) => {
      const { person, token } = backend.db.transaction(() => {
        const added = createPeopleStore(backend.db).add(name, role.data);
        createAuditLog(backend.db).record({ who: localWho(io), method: 'people.add', target: name, outcome: 'allowed', detail: `role ${role.data}` });
        return added;
      })();
      if (json) printJson(io, { name: person.name, role: person.role, token });
      else io.stdout(`${person.name} (${person.role}) added. Token, shown only this once:\n${token}\n`);
      return EXIT_OK;
    });
  },
};

export const usersListVerb: Verb = {
  name: 'users list',
  summary: 'Every person: name, role, when added and when revoked (tokens are never shown again).',
  usage: 'lightbox users list [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print {people: [{name, role, createdAt, revokedAt}]}'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`users list takes no arguments, got "${positionals.join(' ')}"`);
    return withBackend(values, 'users list', io, async (backend, json) => {
      const people = createPeopleStore(backend.db).list();
      if (json) printJson(io, { people });
      else if (people.length === 0) io.stdout('No people yet: lightbox users add NAME --role admin\n');
      else for (const p of people) io.stdout(`${p.name.padEnd(24)} ${p.role.padEnd(7)} added ${p.createdAt}${p.revokedAt ? `  revoked ${p.revokedAt}` : ''}\n`);
      return EXIT_OK;
    });
  },
};

export const usersRevokeVerb: Verb = {
  name: 'users revoke',
  summary: "Revoke a person's token: every call with it is refused from now on (their name stays in the log).",
  usage: 'lightbox users revoke NAME [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print the person {name, role, createdAt, revokedAt}'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const name = oneName(positionals);
    return withBackend(values, 'users revoke', io, async (backend, json) => {
      const person = backend.db.transaction(() => {
        const revoked = createPeopleStore(backend.db).revoke(name);
        createAuditLog(backend.db).record({ who: localWho(io), method: 'people.revoke', target: name, outcome: 'allowed' });
        return revoked;
      })();
      if (json) printJson(io, person);
      else io.stdout(`${person.name} (${person.role}): token revoked at ${person.revokedAt}\n`);
      return EXIT_OK;
    });
  },
};
