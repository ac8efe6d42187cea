import type { PilotView, SlurmSettings, SlurmStatus } from '../../../../shared/farm/slurm';
import type { AgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { createPilotManager, demandFromStatus, type FarmStatusLike, type PilotManager } from './pilot-manager';
import type { SlurmRestClient } from './rest-client';

/**
 * The farm's Slurm side in a running controller: a pilot manager made from the `slurm` setting,
 * made anew when the setting changes. It runs only once the process serves render agents
 * (start(): lightbox serve and the hub mount the agent routes), since a pilot is an agent that
 * connects back. Pilots of a replaced manager stay listed; the running ones idle out by themselves.
 */
export interface SlurmPilots {
  /** The process now serves agents: pilots may be submitted. */
  start(): void;
  /** The setting changed (or was read at start). */
  configure(settings: SlurmSettings | null): void;
  status(): SlurmStatus;
  close(): Promise<void>;
}

export interface SlurmPilotsOptions {
  /** The setting as the backend starts; later changes come through configure(). */
  settings: () => SlurmSettings | null;
  farmStatus: () => FarmStatusLike;
  tokens: AgentTokenStore;
  onChange: () => void;
  pollMs?: number;
  /** For tests against a cluster reached another way; by default the settings' endpoint. */
  client?: SlurmRestClient;
}

export function createSlurmPilots(options: SlurmPilotsOptions): SlurmPilots {
  let started = false;
  let manager: PilotManager | null = null;
  let current: SlurmSettings | null = options.settings();
  let error: string | null = null;
  const retired: PilotView[] = [];

  const issueToken = (name: string, lifetimeSeconds: number) => {
    const made = options.tokens.create(name, { expiresAt: new Date(Date.now() + lifetimeSeconds * 1000) });
    return {
      token: made.token,
      revoke: () => {
        try {
          options.tokens.revoke(name);
        } catch {
          // Already revoked by an admin, or the database closed with the backend: nothing to retire.
        }
      },
    };
  };

  function replace(next: SlurmSettings | null): void {
    const old = manager;
    manager = null;
    if (old) {
      void old.close().then(
        () => {
          retired.unshift(...old.pilots());
          options.onChange();
        },
        (e: Error) => {
          error = `closing the previous pilot manager: ${e.message}`;
        },
      );
    }
    current = next;
    error = null;
    if (!next || !started) return;
    manager = createPilotManager({
      settings: next,
      demand: () => demandFromStatus(options.farmStatus()),
      issueToken,
      client: options.client,
      pollMs: options.pollMs,
      onChange: () => {
        error = null;
        options.onChange();
      },
      onError: (e) => {
        error = e.message;
        options.onChange();
      },
    });
  }

  return {
    start() {
      if (started) return;
      started = true;
      replace(current);
    },
    configure(next) {
      if (!started) {
        current = next;
        return;
      }
      if (JSON.stringify(next) === JSON.stringify(current)) return;
      replace(next);
      options.onChange();
    },
    status() {
      const live = manager?.pilots() ?? [];
      const pilots = [...live, ...retired].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
      const state = current === null ? 'off' : !started ? 'idle' : error ? 'error' : 'serving';
      return { state, error, pilots };
    },
    async close() {
      started = false;
      const old = manager;
      manager = null;
      if (old) await old.close().catch(() => undefined);
    },
  };
}
