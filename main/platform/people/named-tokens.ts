import type Database from 'better-sqlite3';
import type { ApiFailure } from '../../../shared/contract/errors';
import { newToken, tokenHash } from './tokens';

/** What every named-token row has: whose it is, when it was issued, when it stopped working by hand. */
export interface NamedTokenRow {
  name: string;
  created_at: string;
  revoked_at: string | null;
}

/**
 * A table of named tokens kept only as their sha256 (people, render agents): a name has one
 * active token at a time, and a revoked row stays, so logs and old records still name it. The
 * stores over it check names and say things in their own words; this is the shared SQL.
 */
export function namedTokenTable<Row extends NamedTokenRow>(db: Database.Database, table: 'people' | 'farm_agent_tokens', extraColumns: readonly string[]) {
  const columns = ['name', 'created_at', 'revoked_at', ...extraColumns].join(', ');
  const stmts = {
    insert: db.prepare(`INSERT INTO ${table} (name, token_hash, created_at${extraColumns.map((c) => `, ${c}`).join('')}) VALUES (?, ?, ?${extraColumns.map(() => ', ?').join('')})`),
    active: db.prepare<[string], Row>(`SELECT ${columns} FROM ${table} WHERE name = ? AND revoked_at IS NULL`),
    latest: db.prepare<[string], Row>(`SELECT ${columns} FROM ${table} WHERE name = ? ORDER BY id DESC LIMIT 1`),
    all: db.prepare<[], Row>(`SELECT ${columns} FROM ${table} ORDER BY id`),
    byHash: db.prepare<[string], Row>(`SELECT ${columns} FROM ${table} WHERE token_hash = ?`),
    revoke: db.prepare(`UPDATE ${table} SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`),
  };
  return {
    /**
     * A new token for `name` (the answer is the only time it is seen), unless the name has an
     * active one: `refuse` says why in the store's words. One immediate transaction.
     */
    issue(name: string, createdAt: string, extraValues: readonly unknown[], refuse: (active: Row) => ApiFailure, random?: (bytes: number) => Buffer): string {
      return db
        .transaction(() => {
          const active = stmts.active.get(name);
          if (active) throw refuse(active);
          const token = newToken(random);
          stmts.insert.run(name, tokenHash(token), createdAt, ...extraValues);
          return token;
        })
        .immediate();
    },
    /** Every row, oldest first, revoked ones too. */
    all: (): Row[] => stmts.all.all(),
    /** The row of a token (revoked or not), by its hash; none for an empty or unknown token. */
    byToken: (token: string | null | undefined): Row | undefined => (typeof token === 'string' && token.length > 0 ? stmts.byHash.get(tokenHash(token)) : undefined),
    /** Revokes the name's active token; revoking again answers the first revocation; undefined when the name never had one. */
    revoke(name: string, at: string): Row | undefined {
      return db
        .transaction(() => {
          stmts.revoke.run(at, name);
          return stmts.latest.get(name);
        })
        .immediate();
    },
  };
}
