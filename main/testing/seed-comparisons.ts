import crypto from 'node:crypto';
import { DEFAULT_THRESHOLDS, type ComparisonReport } from '../../shared/comparison/api';
import type { Backend } from '../entry/app/backend';
import type { SeededHistory } from './seed-history';

/**
 * A shadow comparison per seeded legacy/shadow pair, stored through the comparison store's
 * entry for comparisons computed elsewhere (computing one renders and diffs images). Verdicts
 * mostly pass, some warn, a few fail, each with a short report. Answers how many were stored.
 */
export function seedComparisons(backend: Backend, pairs: SeededHistory['shadowPairs'], batch = 500): number {
  const store = backend.production.comparisons;
  const verdicts: ComparisonReport['verdict'][] = ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'warn', 'warn', 'fail', 'pass'];
  for (let start = 0; start < pairs.length; start += batch) {
    backend.db.transaction(() => {
      pairs.slice(start, start + batch).forEach((pair, i) => {
        const verdict = verdicts[(start + i) % verdicts.length] as ComparisonReport['verdict'];
        const report: ComparisonReport = { verdict, reasons: verdict === 'pass' ? [] : [`artifact 0: mean error over ${DEFAULT_THRESHOLDS.meanError}`], artifacts: [], records: [], thresholds: DEFAULT_THRESHOLDS };
        store.insertSynced(
          {
            id: crypto.randomUUID(),
            outputTypeKey: pair.outputTypeKey,
            legacyRunId: pair.legacyRunId,
            shadowRunId: pair.shadowRunId,
            workflowId: null,
            workflowRevision: null,
            workflowContentHash: null,
            verdict,
            report,
            createdAt: new Date().toISOString(),
            cadFileSha256: null,
          },
          'bench',
        );
      });
    })();
  }
  return pairs.length;
}
