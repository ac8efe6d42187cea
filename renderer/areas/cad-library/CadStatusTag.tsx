import type { CadFile } from '../../../shared/cad/api';

const TEXT: Record<CadFile['status'], string> = { ingesting: 'Ingesting', ready: 'Ready', failed: 'Failed' };
const TONE: Record<CadFile['status'], string> = { ingesting: 'tag-warn', ready: 'tag-ok', failed: 'tag-fail' };

/** The ingest status as a word on a colored tag; the color only repeats the word. */
export function CadStatusTag({ status }: { status: CadFile['status'] }) {
  return (
    <span className={`tag ${TONE[status]}`}>
      {status === 'ingesting' && (
        <>
          <span className="spinner" aria-hidden="true" />{' '}
        </>
      )}
      {TEXT[status]}
    </span>
  );
}
