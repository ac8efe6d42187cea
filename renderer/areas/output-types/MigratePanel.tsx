import { useEffect, useId, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/contract';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { formatValue } from './format';

type Got = MethodOutput<'outputTypes.get'>;

function Facts({ record, label }: { record: Record<string, unknown> | null; label: string }) {
  if (!record) return <p className="muted">None.</p>;
  return (
    <dl className="facts" aria-label={label}>
      {Object.entries(record).map(([k, v]) => (
        <div key={k} className="ot-fact">
          <dt>{k}</dt>
          <dd>
            <code>{formatValue(v)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Migrates one legacy output type (legacy.migrate with its key, verified) and shows it before and after. */
export function MigratePanel({ outputKey, onDone, onClose }: { outputKey: string; onDone: () => void; onClose: () => void }) {
  const client = useClient();
  const id = useId();
  const [before, setBefore] = useState<Got | null>(null);
  const [after, setAfter] = useState<Got | null>(null);
  const [status, setStatus] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
    let live = true;
    client.call('outputTypes.get', { key: outputKey }).then(
      (got) => live && setBefore(got),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [client, outputKey]);

  async function migrate() {
    setBusy(true);
    setError(null);
    setStatus('Migrating…');
    try {
      const answer = await client.call('legacy.migrate', { keys: [outputKey], verify: true });
      const got = await client.call('outputTypes.get', { key: outputKey });
      setAfter(got);
      setStatus(
        answer.verified
          ? `Migrated ${outputKey}: verified, projecting back gives the original.`
          : `Migration of ${outputKey} was not stored: ${answer.differences.length} difference(s) when projecting back.`,
      );
      onDone();
    } catch (e) {
      setError(`The migration was refused: ${errorText(e)}`);
      setStatus('');
    } finally {
      setBusy(false);
    }
  }

  const b = before;
  const a = after;
  return (
    <section className="section ot-migrate" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} tabIndex={-1} ref={headingRef}>
        Migrate {outputKey}
      </h2>
      <p className="muted">The legacy preset stays renderable; the migration adds a canonical workflow and an invocation profile (verified lossless, or nothing is stored).</p>
      <div className="actions">
        <button type="button" onClick={() => void migrate()} disabled={busy || !before}>
          Migrate {outputKey} now
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p role="status">{status}</p>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="ot-before-after">
        <section aria-label="Before">
          <h3>Before</h3>
          <h4>Legacy preset</h4>
          <Facts record={b?.legacy ?? null} label="Legacy preset before" />
          <h4>Invocation profile</h4>
          <Facts record={b?.profile?.profile ?? null} label="Profile before" />
        </section>
        <section aria-label="After">
          <h3>After</h3>
          {a ? (
            <>
              <h4>Legacy preset</h4>
              <Facts record={a.legacy} label="Legacy preset after" />
              <h4>Invocation profile</h4>
              <Facts record={a.profile?.profile ?? null} label="Profile after" />
            </>
          ) : (
            <p className="muted">Not migrated yet.</p>
          )}
        </section>
      </div>
    </section>
  );
}
