import { z } from 'zod';

/** What a person may do on the hub (see authorization.ts for which method needs which). */
export const RoleSchema = z.enum(['artist', 'lead', 'admin']);
export type Role = z.infer<typeof RoleSchema>;
export const ROLES: readonly Role[] = RoleSchema.options;

/** A person as anyone may see them: never the token, never its hash. */
export interface Person {
  name: string;
  role: Role;
  createdAt: string;
  /** When the token stopped working; null while it works. */
  revokedAt: string | null;
}

/** Names as they appear in the audit log and on reviews: short, printable, no spaces. */
export const PersonNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'must start with a letter or digit and use only letters, digits, _ . @ -');
