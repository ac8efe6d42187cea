import type { CadFile } from '../../../shared/cad/api';
import { ToneBadge, type Tone } from '../orders/LineStatusTag';

const TEXT: Record<CadFile['status'], string> = { ingesting: 'Ingesting', ready: 'Ready', failed: 'Failed' };
const TONE: Record<CadFile['status'], Tone> = { ingesting: 'warn', ready: 'ok', failed: 'fail' };

/** The ingest status as a word on a badge; the colour only repeats the word. */
export function CadStatusTag({ status }: { status: CadFile['status'] }) {
  return (
    <ToneBadge tone={TONE[status]} busy={status === 'ingesting'}>
      {TEXT[status]}
    </ToneBadge>
  );
}
