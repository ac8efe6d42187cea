import type { PreflightReport } from '../../../shared/preflight/report';
import type { PreflightCheck } from '../../../shared/preflight/report';
import type { Settings } from '../../../shared/settings/schema';

export interface PreflightDeps {
  dataDir: string;
  settings: () => Settings;
  env?: NodeJS.ProcessEnv;
  /** Called as each check finishes, so a UI can show progress. */
  onCheck?: (check: PreflightCheck) => void;
}

export interface PreflightService {
  run(): Promise<PreflightReport>;
  last(): PreflightReport | null;
}
