import { z } from 'zod';
import { FarmAgentViewSchema } from './status';

/** Render agent tokens and agents in the contract (farm.agentTokens.*, farm.agents.drain); admins only on a hub. */
const AgentName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'must start with a letter or digit and use only letters, digits, _ . @ -');

export const AgentTokenSchema = z.object({ name: z.string(), createdAt: z.string(), revokedAt: z.string().nullable(), expiresAt: z.string().nullable() });
export const AgentTokenCreateInput = z.object({ name: AgentName, expiresInSeconds: z.number().int().min(1).max(366 * 24 * 3600).optional() }).strict();
/** The token itself, the only time it is ever shown. */
export const AgentTokenCreateOutput = AgentTokenSchema.extend({ token: z.string() });
export const AgentTokenListOutput = z.object({ tokens: z.array(AgentTokenSchema) });
export const AgentTokenRevokeInput = z.object({ name: AgentName }).strict();
export const AgentDrainInput = z.object({ agent: z.string().min(1).max(200) }).strict();
export const AgentDrainOutput = FarmAgentViewSchema;
