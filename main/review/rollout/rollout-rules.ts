import type Database from 'better-sqlite3';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import type { RolloutRules } from '../../../shared/rollout/api';

/** The checklist's gate (QG-6) as numbers a studio can change: issue 19's defaults. */
export const DEFAULT_RULES: RolloutRules = { windowDays: 30, windowRuns: 50, minPasses: 3, minCadFiles: 2, guardMargin: 0.1 };

const STUDIO = '*';
type Row = { scope: string; window_days: number | null; window_runs: number | null; min_passes: number | null; min_cad_files: number | null; guard_margin: number | null };

/**
 * Rollout rules (migration 18): the studio's defaults, and an output type's own where a lead set
 * them (a field left unset inherits the studio's). The one place they are read and written.
 */
export function createRolloutRules(db: Database.Database) {
  const q = {
    get: db.prepare<[string], Row>('SELECT * FROM rollout_rules WHERE scope = ?'),
    put: db.prepare(
      `INSERT INTO rollout_rules (scope, window_days, window_runs, min_passes, min_cad_files, guard_margin, who, updated_at)
       VALUES (@scope, @windowDays, @windowRuns, @minPasses, @minCadFiles, @guardMargin, @who, @at)
       ON CONFLICT (scope) DO UPDATE SET window_days = excluded.window_days, window_runs = excluded.window_runs, min_passes = excluded.min_passes,
         min_cad_files = excluded.min_cad_files, guard_margin = excluded.guard_margin, who = excluded.who, updated_at = excluded.updated_at`,
    ),
  };
  const own = (scope: string): Partial<RolloutRules> => {
    const r = q.get.get(scope);
    if (!r) return {};
    const out: Partial<RolloutRules> = {};
    if (r.window_days !== null) out.windowDays = r.window_days;
    if (r.window_runs !== null) out.windowRuns = r.window_runs;
    if (r.min_passes !== null) out.minPasses = r.min_passes;
    if (r.min_cad_files !== null) out.minCadFiles = r.min_cad_files;
    if (r.guard_margin !== null) out.guardMargin = r.guard_margin;
    return out;
  };
  const studio = (): RolloutRules => ({ ...DEFAULT_RULES, ...own(STUDIO) });
  return {
    studio,
    /** An output type's own rules only (what it overrides). */
    own: (outputTypeKey: string): Partial<RolloutRules> => own(outputTypeKey),
    /** What applies to an output type: its own over the studio's over the defaults. */
    effective: (outputTypeKey: string): RolloutRules => ({ ...studio(), ...own(outputTypeKey) }),
    /** Sets the studio's (target '*') or an output type's rules; null clears a field (it inherits again). */
    set(scope: string, patch: { [K in keyof RolloutRules]?: RolloutRules[K] | null }, who: string): void {
      if (scope !== STUDIO && scope.trim() === '') throw new ApiFailure(ErrorCodes.invalidInput, 'target: must be "studio" or an output type key', 'target');
      const current = q.get.get(scope);
      const pick = <K extends keyof RolloutRules>(k: K, column: keyof Row) => (patch[k] === undefined ? ((current?.[column] as number | null | undefined) ?? null) : patch[k]);
      q.put.run({
        scope,
        windowDays: pick('windowDays', 'window_days'),
        windowRuns: pick('windowRuns', 'window_runs'),
        minPasses: pick('minPasses', 'min_passes'),
        minCadFiles: pick('minCadFiles', 'min_cad_files'),
        guardMargin: pick('guardMargin', 'guard_margin'),
        who,
        at: new Date().toISOString(),
      });
    },
  };
}

export type RolloutRulesStore = ReturnType<typeof createRolloutRules>;
export const STUDIO_SCOPE = STUDIO;
