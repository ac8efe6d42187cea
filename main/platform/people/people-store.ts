import type Database from 'better-sqlite3';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { PersonNameSchema, RoleSchema, type Person, type Role } from './roles';
import { namedTokenTable } from './named-tokens';

export const PeopleErrorCodes = {
  invalid: ErrorCodes.invalidInput,
  exists: 'person_exists',
  notFound: ErrorCodes.notFound,
} as const;

export type Authentication =
  | { ok: true; person: Person }
  | { ok: false; reason: 'unknown' | 'revoked'; message: string };

export interface PeopleStore {
  /** Adds a person; the answer holds their token, the only time it is ever seen. */
  add(name: string, role: Role): { person: Person; token: string };
  /** Everyone, oldest first, revoked ones too (the audit log names them). */
  list(): Person[];
  /** Revokes the person's token; revoking again answers the first revocation. */
  revoke(name: string): Person;
  /** Who a token belongs to, if it is still good. */
  authenticate(token: string): Authentication;
}

interface PersonRow {
  name: string;
  role: Role;
  created_at: string;
  revoked_at: string | null;
}

export interface PeopleStoreOptions {
  now?: () => Date;
  /** Random bytes for tokens; tests pin it, nothing else should. */
  random?: (bytes: number) => Buffer;
}

/**
 * People and their roles over SQLite (table `people`, migration 11). A token is stored only as
 * its sha256 (tokens.ts says why that is enough); a name is active once at a time, and a revoked
 * person's row stays, so the audit log and old reviews still name someone who existed.
 */
export function createPeopleStore(db: Database.Database, options: PeopleStoreOptions = {}): PeopleStore {
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const rows = namedTokenTable<PersonRow>(db, 'people', ['role']);
  const view = (r: PersonRow): Person => ({ name: r.name, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at });
  const checkName = (name: string): string => {
    const parsed = PersonNameSchema.safeParse(name);
    if (!parsed.success) throw new ApiFailure(PeopleErrorCodes.invalid, `name "${name}" ${parsed.error.issues[0]?.message ?? 'is not valid'}`, 'name');
    return parsed.data;
  };

  return {
    add(rawName, rawRole) {
      const name = checkName(rawName);
      const role = RoleSchema.safeParse(rawRole);
      if (!role.success) throw new ApiFailure(PeopleErrorCodes.invalid, `role "${String(rawRole)}" is not one of ${RoleSchema.options.join(', ')}`, 'role');
      const createdAt = now();
      const token = rows.issue(name, createdAt, [role.data], (existing) => new ApiFailure(PeopleErrorCodes.exists, `"${name}" is already a person here (${existing.role}, since ${existing.created_at}); revoke them first to issue a new token`, 'name'), options.random);
      return { person: { name, role: role.data, createdAt, revokedAt: null }, token };
    },

    list: () => rows.all().map(view),

    revoke(rawName) {
      const name = checkName(rawName);
      const row = rows.revoke(name, now());
      if (!row) throw new ApiFailure(PeopleErrorCodes.notFound, `no person "${name}"`, 'name');
      return view(row);
    },

    authenticate(token) {
      const row = rows.byToken(token);
      // The messages never repeat the token: they may end up in a log.
      if (!row) return { ok: false, reason: 'unknown', message: 'the token is not one this hub issued' };
      if (row.revoked_at) return { ok: false, reason: 'revoked', message: `the token of ${row.name} was revoked at ${row.revoked_at}` };
      return { ok: true, person: view(row) };
    },
  };
}
