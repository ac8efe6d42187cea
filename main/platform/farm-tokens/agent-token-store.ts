import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { namedTokenTable } from '../people/named-tokens';

/** A render agent's token as anyone may see it: never the token, never its hash. */
export interface AgentToken {
  name: string;
  createdAt: string;
  /** When the token stopped working by hand; null while it works. */
  revokedAt: string | null;
  /** When a short-lived token (a Slurm pilot's) stops working by itself; null never. */
  expiresAt: string | null;
}

export type AgentAuthentication =
  | { ok: true; token: AgentToken }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired'; message: string };

export interface AgentTokenStore {
  /** A new token for `name`; the answer holds it, the only time it is ever seen. */
  create(name: string, options?: { expiresAt?: Date | null }): { token: string; agentToken: AgentToken };
  /** Every token, oldest first, revoked and expired ones too. */
  list(): AgentToken[];
  /** Revokes the active token of `name`; revoking again answers the first revocation. */
  revoke(name: string): AgentToken;
  /** Whose token this is, if it still works. */
  authenticate(token: string | null | undefined): AgentAuthentication;
}

/** Agent names show in the farm status and the audit log: short, printable, no spaces. */
export const AgentNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'must start with a letter or digit and use only letters, digits, _ . @ -');

interface Row {
  name: string;
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
}

/**
 * Render agents' tokens over SQLite (table farm_agent_tokens, migration 15), kept as people's
 * are (../people/named-tokens.ts; tokens.ts says why sha256 is enough): only the hash, one active
 * token per name, revoked rows stay.
 */
export function createAgentTokenStore(db: Database.Database, options: { now?: () => Date; random?: (bytes: number) => Buffer } = {}): AgentTokenStore {
  const clock = options.now ?? (() => new Date());
  const rows = namedTokenTable<Row>(db, 'farm_agent_tokens', ['expires_at']);
  const view = (r: Row): AgentToken => ({ name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at, expiresAt: r.expires_at });
  const checkName = (name: unknown): string => {
    const parsed = AgentNameSchema.safeParse(name);
    if (!parsed.success) throw new ApiFailure(ErrorCodes.invalidInput, `name ${JSON.stringify(name)} ${parsed.error.issues[0]?.message ?? 'is not valid'}`, 'name');
    return parsed.data;
  };
  return {
    create(rawName, createOptions = {}) {
      const name = checkName(rawName);
      const expiresAt = createOptions.expiresAt ?? null;
      if (expiresAt && !(expiresAt.getTime() > clock().getTime())) throw new ApiFailure(ErrorCodes.invalidInput, `expiresAt ${expiresAt.toISOString()} is not in the future`, 'expiresAt');
      const createdAt = clock().toISOString();
      const expires = expiresAt?.toISOString() ?? null;
      const token = rows.issue(name, createdAt, [expires], (existing) => new ApiFailure('agent_token_exists', `render agent "${name}" already has a token (since ${existing.created_at}); revoke it first to issue a new one`, 'name'), options.random);
      return { token, agentToken: { name, createdAt, revokedAt: null, expiresAt: expires } };
    },
    list: () => rows.all().map(view),
    revoke(rawName) {
      const name = checkName(rawName);
      const row = rows.revoke(name, clock().toISOString());
      if (!row) throw new ApiFailure(ErrorCodes.notFound, `no render agent token named "${name}"`, 'name');
      return view(row);
    },
    authenticate(token) {
      const row = rows.byToken(token);
      // The messages never repeat the token: they end up in the agent's output and logs.
      if (!row) return { ok: false, reason: 'unknown', message: 'the token is not a render agent token this controller issued' };
      if (row.revoked_at) return { ok: false, reason: 'revoked', message: `the token of render agent "${row.name}" was revoked at ${row.revoked_at}` };
      if (row.expires_at && Date.parse(row.expires_at) <= clock().getTime()) return { ok: false, reason: 'expired', message: `the token of render agent "${row.name}" expired at ${row.expires_at}` };
      return { ok: true, token: view(row) };
    },
  };
}
