import type { WorkflowRun } from '../../../shared/runs/api';
import { formatTime } from '../../ui/format-time';
import { draftText, formatDuration, runDurationMs } from './run-format';

/** The part of a run's fact list every page shows alike: when, how long, the draft, and what failed. */
export function RunTimingFacts({ run, failedLabel }: { run: WorkflowRun; failedLabel: string }) {
  return (
    <>
      <dt>Started</dt>
      <dd>{formatTime(run.startedAt)}</dd>
      <dt>Finished</dt>
      <dd>{formatTime(run.finishedAt)}</dd>
      <dt>Duration</dt>
      <dd>{run.finishedAt ? formatDuration(runDurationMs(run)) : 'running'}</dd>
      <dt>Draft</dt>
      <dd>{draftText(run.draft)}</dd>
      {run.failedStep && (
        <>
          <dt>{failedLabel}</dt>
          <dd>{run.failedStep}</dd>
        </>
      )}
      {run.error && (
        <>
          <dt>Error</dt>
          <dd className="field-error">{run.error}</dd>
        </>
      )}
    </>
  );
}
