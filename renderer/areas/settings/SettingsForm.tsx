import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Code, Group, NativeSelect, NumberInput, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import type { ExecutableSource, PreflightReport } from '../../../shared/preflight/report';
import type { Settings } from '../../../shared/settings/schema';
import { sourceText } from '../preflight/format';
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
      Last preflight used <Code>{tool.path}</Code> ({sourceText(tool.source, env)}).
    </>
  );
}

/** A field's help: what it does, then its default on this machine. */
function help(hint: ReactNode, defaultText: ReactNode) {
  return (
    <>
      {hint} <Text span inherit fw={600}>Default:</Text> {defaultText}
    </>
  );
}

/** Shared props of every input: a readable width, the field's error (it names the field), help under it. */
const FIELD = { maw: 640, inputWrapperOrder: ['label', 'input', 'error', 'description'] as ('label' | 'input' | 'error' | 'description')[] };

/** Paths and variables are typed in monospace; labels and help stay in the UI font. */
const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

/** A number or a short choice needs no full-width box; its help keeps the full width. */
const NARROW = { wrapper: { maxWidth: 180 } };

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
  const auto = 'detect automatically';
  const whole = (key: 'concurrency' | 'threadsPerBlender' | 'cadMaxFileMiB', min: number, max: number) => ({
    ...FIELD,
    styles: NARROW,
    label: LABELS[key],
    error: errors[key],
    min,
    max,
    step: 1,
    allowDecimal: false,
    // The backend's range answer is shown as it is; clamping would hide what was typed.
    clampBehavior: 'none' as const,
    value: values[key],
    onChange: (v: string | number) => setValue(key, String(v)),
  });

  const unknownIngest = values.cadIngestWorkflowId !== '' && !cadWorkflows.some((w) => w.id === values.cadIngestWorkflowId);
  const ingestOptions = [
    { value: '', label: 'Default (cad_ingest_default)' },
    ...cadWorkflows.map((w) => ({ value: w.id, label: `${w.name} (${w.id})` })),
    ...(unknownIngest ? [{ value: values.cadIngestWorkflowId, label: `${values.cadIngestWorkflowId} (not a saved cad_file workflow)` }] : []),
  ];

  return (
    // noValidate: range rules live in the backend contract; its answer is shown per field.
    <form ref={formRef} noValidate onSubmit={submit} aria-labelledby="settings-rendering">
      <Stack gap="md" maw={880}>
        <Title order={2} id="settings-rendering">
          Rendering
        </Title>
        <TextInput
          {...FIELD}
          label={LABELS.blenderPath}
          description={help(<>Empty = detect automatically (BLENDER_PATH, then PATH). {detected(report?.blender, 'BLENDER_PATH')}</>, defaults ? (defaults.blenderPath ?? auto) : '…')}
          error={errors.blenderPath}
          spellCheck={false}
          autoComplete="off"
          placeholder={auto}
          styles={MONO}
          value={values.blenderPath}
          onChange={(e) => setValue('blenderPath', e.currentTarget.value)}
        />
        <TextInput
          {...FIELD}
          label={LABELS.ffmpegPath}
          description={help(<>Empty = detect automatically (FFMPEG_PATH, then PATH). {detected(report?.ffmpeg, 'FFMPEG_PATH')}</>, defaults ? (defaults.ffmpegPath ?? auto) : '…')}
          error={errors.ffmpegPath}
          spellCheck={false}
          autoComplete="off"
          placeholder={auto}
          styles={MONO}
          value={values.ffmpegPath}
          onChange={(e) => setValue('ffmpegPath', e.currentTarget.value)}
        />
        <NumberInput {...whole('concurrency', 0, 64)} description={help('How many Blender processes render at the same time on this machine (0: only render agents render).', defaults?.farm.concurrency ?? '…')} />
        <NumberInput {...whole('threadsPerBlender', 0, 256)} description={help('Render threads each Blender process may use; 0 = all cores.', defaults?.farm.threadsPerBlender ?? '…')} />
        <NativeSelect
          {...FIELD}
          styles={NARROW}
          label={LABELS.mode}
          description={help('Warm keeps Blender running between jobs (faster starts); cold starts a fresh Blender for every job.', defaults?.farm.mode ?? '…')}
          error={errors.mode}
          data={['warm', 'cold']}
          value={values.mode}
          onChange={(e) => setValue('mode', e.currentTarget.value === 'cold' ? 'cold' : 'warm')}
        />
        <Textarea
          {...FIELD}
          label={LABELS.blenderEnv}
          description={help(
            <>
              One <Code>NAME=value</Code> per line, added to the clean environment Lightbox gives Blender (a studio&apos;s OCIO config,
              a licence server). PYTHONPATH and the like are better left out.
            </>,
            'none',
          )}
          error={errors.blenderEnv}
          autosize
          minRows={2}
          maxRows={10}
          spellCheck={false}
          autoComplete="off"
          placeholder="OCIO=/studio/ocio/config.ocio"
          styles={MONO}
          value={values.blenderEnv}
          onChange={(e) => setValue('blenderEnv', e.currentTarget.value)}
        />

        <Title order={2} id="settings-cad">
          CAD import
        </Title>
        <NativeSelect
          {...FIELD}
          label={LABELS.cadIngestWorkflowId}
          description={help('The cad_file workflow every CAD import runs (tessellation, metadata, thumbnail).', 'the migrated cad_ingest_default, else the shipped one')}
          error={errors.cadIngestWorkflowId}
          data={ingestOptions}
          value={values.cadIngestWorkflowId}
          onChange={(e) => setValue('cadIngestWorkflowId', e.currentTarget.value)}
        />
        <NumberInput
          {...whole('cadMaxFileMiB', 1, 65536)}
          description={help('A larger CAD file is refused before it is read; the CAD worker also stops at its memory and time limits.', defaults?.cadMaxFileMiB ?? '…')}
        />

        {formError && (
          <Alert color="red" variant="light" role="alert">
            {formError}
          </Alert>
        )}
        <Group gap="sm">
          <Button type="submit" disabled={busy}>
            Save
          </Button>
          <Button variant="default" disabled={busy} onClick={() => onSave(true)}>
            Save and re-check
          </Button>
          <Button variant="default" disabled={busy || !dirty} onClick={onRevert}>
            Revert
          </Button>
          <Text span role="status" fw={600} c="var(--ok)">
            {status}
          </Text>
          {dirty && !busy && (
            <Text span c="dimmed">
              Unsaved changes
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}
