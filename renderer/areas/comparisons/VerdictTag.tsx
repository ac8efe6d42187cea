const CLASS = { pass: 'tag tag-ok', warn: 'tag tag-warn', fail: 'tag tag-fail' } as const;

export function VerdictTag({ verdict }: { verdict: 'pass' | 'warn' | 'fail' }) {
  return <span className={CLASS[verdict]}>{verdict}</span>;
}
