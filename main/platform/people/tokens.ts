import { createHash, randomBytes } from 'node:crypto';

/** Where a token came from at a glance (logs, a pasted command line); the rest is random. */
export const TOKEN_PREFIX = 'lbx_';

/** A new person's token: 256 random bits, base64url. Shown once; only its hash is kept. */
export function newToken(random: (bytes: number) => Buffer = randomBytes): string {
  return `${TOKEN_PREFIX}${random(32).toString('base64url')}`;
}

/**
 * The hash a token is stored and looked up by. sha256, not a password hash (scrypt, argon2):
 * these tokens are 256 random bits made here, never chosen by a person, so there is no dictionary
 * to try and nothing a slow, salted hash would protect better; it would only cost every request.
 * An unsalted hash also lets the hub find the person with one indexed lookup instead of trying
 * every stored salt, and comparing hashes, not tokens, leaks nothing useful through timing.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
