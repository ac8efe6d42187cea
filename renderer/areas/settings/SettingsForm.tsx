import { useEffect, useRef, type FormEvent } from 'react';
import type { ExecutableSource, PreflightReport } from '../../../shared/preflight/report';
import type { Settings } from '../../../shared/settings/schema';
import { sourceText } from '../preflight/format';
import { Field } from './Field';
import { LABELS, type FieldErrors, type FieldKey, type FormValues } from './form-model';

interface Props {
  values: FormValues;
  defaults: Settings | null;
  errors: FieldErrors;
  formError: string | null;
  status: string;
  busy: boolean;
  dirty: boolean;
  report: PreflightReport | null;
  setValue: <K extends FieldKey>(key: K, value: FormValues[K]) => void;
  onSave: (recheck: boolean) => void;
  onRevert: () => void;
  /** The saved cad_file workflows a CAD import can run. */
  cadWorkflows: { id: string; name: string }[];
}

/** What detection currently finds, so "empty = automatic" is not a guess. */
function detected(tool: { path: string | null; source: ExecutableSource | null } | undefined, env: string) {
  if (!tool) return 'Run preflight to see what is detected.';
  if (!tool.path) return 'Last preflight found none.';
  return (
    <>
      Last preflight used <code>{tool.path}</code> ({sourceText(tool.source, env)}).
    </>
  );
}

export function SettingsForm({ values, defaults, errors, formError, status, busy, dirty, report, setValue, onSave, onRevert, cadWorkflows }: Props) {
  const formRef = useRef<HTMLFormElement>(null);

  // After a rejected save, put the keyboard on the first field that needs attention.
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(false);
  };
  const text = (key: Exclude<FieldKey, 'mode'>) => values[key];
  const auto = 'detect automatically';

  return (
    // noValidate: range rules live in the backend contract; its answer is shown per field.
    <form ref={formRef} className="form" noValidate onSubmit={submit} aria-labelledby="settings-rendering">
      <h2 id="settings-rendering">Rendering</h2>
      <Field
        label={LABELS.blenderPath}
        defaultText={defaults ? (defaults.blenderPath ?? auto) : '…'}
        hint={<>Empty = detect automatically (BLENDER_PATH, then PATH). {detected(report?.blender, 'BLENDER_PATH')}</>}
        error={errors.blenderPath}
      >
        {(a11y) => (
          <input {...a11y} type="text" spellCheck={false} autoComplete="off" placeholder={auto} value={text('blenderPath')} onChange={(e) => setValue('blenderPath', e.target.value)} />
        )}
      </Field>
      <Field
        label={LABELS.ffmpegPath}
        defaultText={defaults ? (defaults.ffmpegPath ?? auto) : '…'}
        hint={<>Empty = detect automatically (FFMPEG_PATH, then PATH). {detected(report?.ffmpeg, 'FFMPEG_PATH')}</>}
        error={errors.ffmpegPath}
      >
        {(a11y) => (
          <input {...a11y} type="text" spellCheck={false} autoComplete="off" placeholder={auto} value={text('ffmpegPath')} onChange={(e) => setValue('ffmpegPath', e.target.value)} />
        )}
      </Field>
      <Field
        label={LABELS.concurrency}
        defaultText={defaults?.farm.concurrency ?? '…'}
        hint="How many Blender processes render at the same time."
        error={errors.concurrency}
      >
        {(a11y) => (
          <input {...a11y} type="number" inputMode="numeric" min={1} max={64} step={1} className="narrow" value={text('concurrency')} onChange={(e) => setValue('concurrency', e.target.value)} />
        )}
      </Field>
      <Field
        label={LABELS.threadsPerBlender}
        defaultText={defaults?.farm.threadsPerBlender ?? '…'}
        hint="Render threads each Blender process may use; 0 = all cores."
        error={errors.threadsPerBlender}
      >
        {(a11y) => (
          <input {...a11y} type="number" inputMode="numeric" min={0} max={256} step={1} className="narrow" value={text('threadsPerBlender')} onChange={(e) => setValue('threadsPerBlender', e.target.value)} />
        )}
      </Field>
      <Field
        label={LABELS.mode}
        defaultText={defaults?.farm.mode ?? '…'}
        hint="Warm keeps Blender running between jobs (faster starts); cold starts a fresh Blender for every job."
        error={errors.mode}
      >
        {(a11y) => (
          <select {...a11y} value={values.mode} onChange={(e) => setValue('mode', e.target.value === 'cold' ? 'cold' : 'warm')}>
            <option value="warm">warm</option>
            <option value="cold">cold</option>
          </select>
        )}
      </Field>

      <h2 id="settings-cad">CAD import</h2>
      <Field
        label={LABELS.cadIngestWorkflowId}
        defaultText="the migrated cad_ingest_default, else the shipped one"
        hint="The cad_file workflow every CAD import runs (tessellation, metadata, thumbnail)."
        error={errors.cadIngestWorkflowId}
      >
        {(a11y) => (
          <select {...a11y} value={values.cadIngestWorkflowId} onChange={(e) => setValue('cadIngestWorkflowId', e.target.value)}>
            <option value="">Default (cad_ingest_default)</option>
            {cadWorkflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.id})
              </option>
            ))}
            {values.cadIngestWorkflowId !== '' && !cadWorkflows.some((w) => w.id === values.cadIngestWorkflowId) && (
              <option value={values.cadIngestWorkflowId}>{values.cadIngestWorkflowId} (not a saved cad_file workflow)</option>
            )}
          </select>
        )}
      </Field>
      <Field
        label={LABELS.cadMaxFileMiB}
        defaultText={defaults?.cadMaxFileMiB ?? '…'}
        hint="A larger CAD file is refused before it is read; the CAD worker also stops at its memory and time limits."
        error={errors.cadMaxFileMiB}
      >
        {(a11y) => (
          <input {...a11y} type="number" inputMode="numeric" min={1} max={65536} step={1} className="narrow" value={text('cadMaxFileMiB')} onChange={(e) => setValue('cadMaxFileMiB', e.target.value)} />
        )}
      </Field>

      {formError && (
        <p role="alert" className="banner banner-error">
          {formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" disabled={busy} onClick={() => onSave(true)}>
          Save and re-check
        </button>
        <button type="button" disabled={busy || !dirty} onClick={onRevert}>
          Revert
        </button>
        <span role="status" className="save-status">
          {status}
        </span>
        {dirty && !busy && <span className="muted">Unsaved changes</span>}
      </div>
    </form>
  );
}
