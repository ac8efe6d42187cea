import type { FarmAgentView } from '../../../shared/farm/status';

export type AgentToken = { name: string; createdAt: string; revokedAt: string | null; expiresAt: string | null };

/** The badge tone of an agent's state (RunStatusTag's colours) and the words beside it. */
export const AGENT_STATE: Record<FarmAgentView['state'], { tone: string; label: string; help: string }> = {
  online: { tone: 'succeeded', label: 'online', help: 'taking work' },
  draining: { tone: 'running', label: 'draining', help: 'finishing what it holds, taking nothing new' },
  lost: { tone: 'failed', label: 'lost', help: 'no heartbeat: its tasks went back to the queue' },
  offline: { tone: 'queued', label: 'offline', help: 'stopped' },
};

/** Online and draining agents first, then the rest; by name within each. */
export function agentsInOrder(agents: FarmAgentView[]): FarmAgentView[] {
  const rank = (a: FarmAgentView) => (a.state === 'online' || a.state === 'draining' ? 0 : 1);
  return [...agents].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function tokenState(token: AgentToken, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

/**
 * Where a render machine reaches this farm: the page's own address when a browser opened the
 * headless host (lightbox serve, which serves the agent routes); null in the desktop app.
 */
export function controllerUrl(location: { protocol: string; origin: string }): string | null {
  return location.protocol === 'http:' || location.protocol === 'https:' ? location.origin : null;
}

/** The command to run on the render machine, as `lightbox agent --help` gives it. */
export function agentCommand(controller: string | null, token: string): string {
  return `lightbox agent --controller ${controller ?? 'http://CONTROLLER:PORT'} --token ${token}`;
}
