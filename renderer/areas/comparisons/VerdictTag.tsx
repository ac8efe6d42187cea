import type { Verdict } from '../../../shared/comparison/api';

const CLASS = { pass: 'tag tag-ok', warn: 'tag tag-warn', fail: 'tag tag-fail' } as const;

export function VerdictTag({ verdict }: { verdict: Verdict }) {
  return <span className={CLASS[verdict]}>{verdict}</span>;
}
