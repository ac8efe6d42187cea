import { useEffect, useState, type FormEvent } from 'react';
import { Button, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { ContractError } from '../../../shared/contract';
import type { DataDirSource } from '../../../shared/settings/schema';
import { useAppInfo, useServices } from '../../app/services';
import { errorText } from '../../transport/errors';

const SOURCE_TEXT: Record<DataDirSource, string> = {
  flag: 'the --data-dir flag',
  env: 'the LIGHTBOX_DATA_DIR environment variable',
  setting: 'the saved setting',
  default: 'the default location',
};

const LABEL = 'Data directory for the next start';

/** Where Lightbox keeps its data; a change applies at the next start, not to the running backend. */
export function DataDirSection({ onDirtyChange }: { onDirtyChange: (dirty: boolean) => void }) {
  const { client, appInfo } = useServices();
  const info = useAppInfo((s) => s.info);
  const configured = info?.configuredDataDir ?? '';
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const shown = value ?? configured;
  const dirty = value !== null && value.trim() !== configured;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const submit = async (next: string | null) => {
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const updated = await client.call('settings.setDataDir', { path: next });
      appInfo.set(updated);
      setValue(null);
      setStatus(updated.configuredDataDir ? 'Data directory saved for the next start' : 'The next start uses the default location');
    } catch (err) {
      setError(`${LABEL}: ${err instanceof ContractError ? err.message : errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const text = shown.trim();
    void submit(text === '' ? null : text);
  };

  return (
    <section className="section" aria-labelledby="data-dir-heading">
      <Title order={2} id="data-dir-heading">
        Data directory
      </Title>
      <dl className="facts">
        <dt>In use now</dt>
        <dd>{info ? <Code>{info.dataDir}</Code> : '…'}</dd>
        <dt>Chosen by</dt>
        <dd>{info ? SOURCE_TEXT[info.dataDirSource] : '…'}</dd>
        <dt>Saved for the next start</dt>
        <dd>{info ? info.configuredDataDir ? <Code>{info.configuredDataDir}</Code> : 'nothing (the default location)' : '…'}</dd>
      </dl>
      <Text size="sm" c="dimmed" maw={880}>
        A change here takes effect at the next start of Lightbox; the running backend keeps its current directory. A{' '}
        <Code>--data-dir</Code> flag or the <Code>LIGHTBOX_DATA_DIR</Code> environment variable overrides this setting.
        {info && (info.dataDirSource === 'flag' || info.dataDirSource === 'env') && (
          <strong> This start uses {SOURCE_TEXT[info.dataDirSource]}, so a saved value would not apply while that is set.</strong>
        )}
      </Text>
      <form noValidate onSubmit={onSubmit} aria-labelledby="data-dir-heading">
        <Stack gap="sm" mt="sm" maw={640}>
          <TextInput
            label={LABEL}
            description="An absolute folder path; empty = the default location."
            inputWrapperOrder={['label', 'input', 'error', 'description']}
            error={error}
            spellCheck={false}
            autoComplete="off"
            placeholder="default location"
            value={shown}
            onChange={(e) => {
              setValue(e.currentTarget.value);
              setError(undefined);
              setStatus('');
            }}
          />
          <Group gap="sm">
            <Button type="submit" variant="default" disabled={busy || !info}>
              Save data directory
            </Button>
            <Button variant="default" disabled={busy || !info?.configuredDataDir} onClick={() => void submit(null)}>
              Use the default location
            </Button>
            <Text span role="status" fw={600} c="var(--ok)">
              {status}
            </Text>
          </Group>
        </Stack>
      </form>
    </section>
  );
}
