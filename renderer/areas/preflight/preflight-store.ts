import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract';
import type { PreflightCheck, PreflightReport } from '../../../shared/preflight/report';
import { errorText } from '../../transport/errors';

export interface PreflightState {
  /** The latest report known to this window, from preflight.last or a run. */
  report: PreflightReport | null;
  /** preflight.last has answered (so "no report" is known, not just not loaded yet). */
  loaded: boolean;
  running: boolean;
  /** Checks finished so far in the current run, from preflight.progress events. */
  progress: PreflightCheck[];
  error: string | null;
}

export interface PreflightModel {
  store: StoreApi<PreflightState>;
  load(): Promise<void>;
  run(): Promise<PreflightReport | null>;
  /**
   * The last report, or, when there is none (a first start), a run: once per window, whatever
   * page it opened on. The app calls it on connecting and the Preflight page on opening; the
   * sidebar reports the outcome, so a deep link keeps its page.
   */
  ensureReport(): Promise<void>;
}

/**
 * Preflight state lives outside the page so a run keeps going (and its result is kept) when the
 * user navigates away, and so Settings can show the same report after a re-check.
 */
export function createPreflightModel(client: ContractClient): PreflightModel {
  const store = createStore<PreflightState>(() => ({ report: null, loaded: false, running: false, progress: [], error: null }));
  let loading: Promise<void> | null = null;
  let running: Promise<PreflightReport | null> | null = null;
  let autoRunDone = false;

  client.on('preflight.progress', ({ check }) => {
    if (!store.getState().running) return;
    store.setState((s) => ({ progress: [...s.progress.filter((c) => c.id !== check.id), check] }));
  });

  const load = (): Promise<void> => {
    loading ??= client
      .call('preflight.last', {})
      .then((report) => {
        // A run that finished meanwhile is newer than what preflight.last saw.
        if (!store.getState().report) store.setState({ report });
        store.setState({ loaded: true });
      })
      .catch((error: unknown) => {
        loading = null;
        store.setState({ error: `Could not load the last preflight report: ${errorText(error)}` });
      });
    return loading;
  };

  const run = (): Promise<PreflightReport | null> => {
    running ??= (async () => {
      store.setState({ running: true, progress: [], error: null });
      try {
        const report = await client.call('preflight.run', {});
        store.setState({ report, loaded: true });
        return report;
      } catch (error) {
        store.setState({ error: `Preflight did not finish: ${errorText(error)}` });
        return null;
      } finally {
        store.setState({ running: false });
        running = null;
      }
    })();
    return running;
  };

  const ensureReport = async (): Promise<void> => {
    await load();
    const { loaded, report } = store.getState();
    if (loaded && !report && !autoRunDone) {
      autoRunDone = true;
      await run();
    }
  };

  return { store, load, run, ensureReport };
}
