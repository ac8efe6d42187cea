import type Database from 'better-sqlite3';
import { PreflightReportSchema, type PreflightReport } from '../../../shared/preflight/report';
import { runPreflight, type PreflightOptions } from './run-preflight';
import type { PreflightDeps, PreflightService } from './types';

/** Reports kept; older ones are only history nobody reads. */
export const KEPT_REPORTS = 50;

export function createPreflightService(
  deps: PreflightDeps & { db: Database.Database; options?: PreflightOptions },
): PreflightService {
  const { db } = deps;
  const insert = db.prepare('INSERT INTO preflight_reports (created_at, ok, report_json) VALUES (?, ?, ?)');
  const prune = db.prepare(
    'DELETE FROM preflight_reports WHERE id NOT IN (SELECT id FROM preflight_reports ORDER BY id DESC LIMIT ?)',
  );
  const newest = db.prepare('SELECT report_json FROM preflight_reports ORDER BY id DESC LIMIT 1');
  const store = db.transaction((report: PreflightReport) => {
    insert.run(report.startedAt, report.ok ? 1 : 0, JSON.stringify(report));
    prune.run(KEPT_REPORTS);
  });

  // Checks spawn several Blenders; a second caller waits for the run already going.
  let inFlight: Promise<PreflightReport> | null = null;

  return {
    run() {
      if (inFlight) return inFlight;
      const running = (async () => {
        const report = await runPreflight(deps, deps.options);
        store(report);
        return report;
      })();
      inFlight = running;
      const clear = () => {
        if (inFlight === running) inFlight = null;
      };
      running.then(clear, clear);
      return running;
    },
    last() {
      const row = newest.get() as { report_json: string } | undefined;
      if (!row) return null;
      try {
        const parsed = PreflightReportSchema.safeParse(JSON.parse(row.report_json));
        // A report written by an older schema is treated as no report: the UI asks for a new run.
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}
