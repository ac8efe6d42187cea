import { statusText, statusTone } from './run-format';

/** A run or node status as a word on a coloured tag: the colour only repeats the word. */
export function RunStatusTag({ status, large = false }: { status: string; large?: boolean }) {
  const spinning = status === 'running';
  return (
    <span className={`tag ${statusTone(status)}${large ? ' tag-lg' : ''}`}>
      {spinning && <span className="spinner run-status-spinner" aria-hidden="true" />}
      {statusText(status)}
    </span>
  );
}
