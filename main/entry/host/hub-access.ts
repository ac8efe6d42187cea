import { z } from 'zod';
import { ApiFailure, ErrorCodes, methods, zodToApiError, type ApiError, type CallResult } from '../../../shared/contract';
import type { Dispatch } from '../../platform/transport/dispatch';
import type { AuditLog } from '../../platform/people/audit-log';
import { HUB_ACTIONS, type HubAction } from '../../platform/people/authorization';
import { createCallGuard } from '../../platform/people/call-guard';
import type { PeopleStore } from '../../platform/people/people-store';
import { PersonNameSchema, RoleSchema, type Person } from '../../platform/people/roles';
import type { HostAccess } from './headless-host';
import { AgentTokenCreateInput, AgentTokenRevokeInput } from '../../../shared/farm/agents-api';
import type { AgentTokenStore } from '../../platform/farm-tokens/agent-token-store';

export interface HubAccessDeps {
  dispatch: Dispatch;
  people: PeopleStore;
  audit: AuditLog;
  /** Render agent tokens of the hub's farm: agents.issueToken / agents.revokeToken. */
  agentTokens: AgentTokenStore;
}

const HubActionInputs = {
  'people.add': z.object({ name: PersonNameSchema, role: RoleSchema }).strict(),
  'people.list': z.object({}).strict(),
  'people.revoke': z.object({ name: PersonNameSchema }).strict(),
  'audit.list': z.object({ who: z.string().max(200).optional(), method: z.string().max(200).optional(), limit: z.number().int().min(1).max(10_000).optional() }).strict(),
  'agents.issueToken': AgentTokenCreateInput,
  'agents.revokeToken': AgentTokenRevokeInput,
} satisfies Record<HubAction, z.ZodType>;

const isHubAction = (method: string): method is HubAction => (HUB_ACTIONS as readonly string[]).includes(method);

/**
 * Methods whose input names who did it (a review, a rollout mode change): on the hub that is the
 * person whose token made the call, whatever the input says, so nobody can sign as someone else.
 */
export function signedInput(method: string, input: unknown, who: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(methods, method)) return input;
  const schema = methods[method as keyof typeof methods].input as z.ZodType;
  const signs = schema instanceof z.ZodObject && Object.prototype.hasOwnProperty.call(schema.shape, 'who');
  if (!signs || input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  return { ...(input as Record<string, unknown>), who };
}

/**
 * The hub's access: every call, on HTTP and the socket, goes through the call guard with the
 * caller's own token (401 without a working one, 403 with the rule in words), runs as that
 * person, and every change lands in the audit log with its outcome.
 */
export function createHubAccess(deps: HubAccessDeps): HostAccess {
  const guard = createCallGuard({ people: deps.people, audit: deps.audit });

  const hubAction = (method: HubAction, rawInput: unknown): CallResult => {
    const input = rawInput === undefined ? {} : rawInput;
    const parsed = HubActionInputs[method].safeParse(input);
    if (!parsed.success) return { ok: false, error: zodToApiError(parsed.error, ErrorCodes.invalidInput, input) };
    const args = parsed.data as { name: string; role: Person['role']; who?: string; method?: string; limit?: number; expiresInSeconds?: number };
    try {
      switch (method) {
        case 'people.add': {
          // The new person's token goes back to the admin who asked, once; only its hash is kept.
          const { person, token } = deps.people.add(args.name, args.role);
          return { ok: true, result: { ...person, token } };
        }
        case 'people.list':
          return { ok: true, result: { people: deps.people.list() } };
        case 'people.revoke':
          return { ok: true, result: deps.people.revoke(args.name) };
        case 'audit.list':
          return { ok: true, result: { entries: deps.audit.list({ who: args.who, method: args.method, limit: args.limit }) } };
        case 'agents.issueToken': {
          // Like a person's: the token goes back once to the admin who asked; only its hash is kept.
          const { token, agentToken } = deps.agentTokens.create(args.name, { expiresAt: args.expiresInSeconds ? new Date(Date.now() + args.expiresInSeconds * 1000) : null });
          return { ok: true, result: { ...agentToken, token } };
        }
        case 'agents.revokeToken':
          return { ok: true, result: deps.agentTokens.revoke(args.name) };
      }
    } catch (error) {
      if (error instanceof ApiFailure) return { ok: false, error: error.toData() };
      throw error;
    }
  };

  return {
    admits: (token) => token !== null && token.length > 0 && deps.people.authenticate(token).ok,
    refuse(token, method): ApiError {
      const answer = guard.check(token ?? undefined, method, undefined);
      if (!answer.ok) return answer.error;
      // The token started working between admits() and now (a person just added): still refused, once.
      answer.done({ code: ErrorCodes.unauthorized, message: 'the token was not valid when the call arrived', path: '' });
      return { code: ErrorCodes.unauthorized, message: 'the token was not valid when the call arrived', path: '' };
    },
    async call(token, method, input, ctx) {
      const answer = guard.check(token ?? undefined, method, input);
      if (!answer.ok) return { ok: false, error: answer.error };
      let result: CallResult | undefined;
      try {
        result = isHubAction(method) ? hubAction(method, input) : await deps.dispatch(method, signedInput(method, input, answer.person.name), ctx);
        return result;
      } finally {
        answer.done(result === undefined ? { code: ErrorCodes.internal, message: `${method} failed unexpectedly`, path: '' } : result.ok ? undefined : result.error);
      }
    },
  };
}
