import type { HandlerGroup } from '../../../platform/transport/dispatch';
import type { AgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { AgentRefusal, type AgentController } from '../../../execution/farm/agents/controller';
import { ApiFailure } from '../../../../shared/contract';

type AgentMethods = 'farm.agentTokens.create' | 'farm.agentTokens.list' | 'farm.agentTokens.revoke' | 'farm.agents.drain';

/** Render agent tokens and draining, for the Farm page and the hub's admins. */
export function agentHandlers(tokens: AgentTokenStore, agents: AgentController): HandlerGroup<AgentMethods> {
  return {
    'farm.agentTokens.create': ({ name, expiresInSeconds }) => {
      const { token, agentToken } = tokens.create(name, { expiresAt: expiresInSeconds ? new Date(Date.now() + expiresInSeconds * 1000) : null });
      return { ...agentToken, token };
    },
    'farm.agentTokens.list': () => ({ tokens: tokens.list() }),
    'farm.agentTokens.revoke': ({ name }) => tokens.revoke(name),
    'farm.agents.drain': ({ agent }) => {
      try {
        return agents.drain(agent);
      } catch (error) {
        if (error instanceof AgentRefusal) throw new ApiFailure(error.code, error.message, error.path);
        throw error;
      }
    },
  };
}
