import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Group, Image, NativeSelect, Text, Title } from '@mantine/core';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { dataUrlToObjectUrl } from '../cad-library/base64';
import { deliverableNodes } from '../runs/deliverable-nodes';

type Shown = { kind: 'image'; src: string; name: string } | { kind: 'video'; src: string; name: string } | { kind: 'none'; reason: string };

const DRAFT = { maxSize: 256, samples: 8 } as const;

/** A small draft render of the workflow with the form's current values on a chosen CAD file (workflows.run: publishes nothing). */
export function PreviewRender({ workflowId, revision, parameterValues }: { workflowId: string; revision: number | undefined; parameterValues: Record<string, unknown> }) {
  const client = useClient();
  const id = useId();
  const [cadFiles, setCadFiles] = useState<{ id: string; name: string }[] | null>(null);
  const [cadFileId, setCadFileId] = useState('');
  const [state, setState] = useState<{ status: 'idle' | 'running' | 'done' | 'failed'; message?: string; runId?: string }>({ status: 'idle' });
  const [shown, setShown] = useState<Shown | null>(null);
  const objectUrl = useRef<string | null>(null);
  useEffect(() => {
    let live = true;
    // The newest ready files: a choice, not the whole library.
    client.call('cad.list', { status: 'ready', limit: 200 }).then(
      ({ items }) => {
        if (!live) return;
        const ready = items.map((c) => ({ id: c.id, name: c.name }));
        setCadFiles(ready);
        setCadFileId((current) => current || ready[0]?.id || '');
      },
      (e: unknown) => live && setState({ status: 'failed', message: `The CAD library could not be loaded: ${errorText(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [client]);
  useEffect(
    () => () => {
      if (objectUrl.current) URL.revokeObjectURL(objectUrl.current);
    },
    [],
  );

  async function render() {
    setShown(null);
    setState({ status: 'running', message: 'Rendering a draft preview…' });
    try {
      const { runId } = await client.call('workflows.run', { workflowId, ...(revision ? { revision } : {}), cadFileId, parameterValues, draft: DRAFT });
      setState({ status: 'running', message: 'Rendering a draft preview…', runId });
      let run = await client.call('runs.get', { runId });
      while (run.status === 'running') {
        await new Promise((r) => setTimeout(r, 400));
        run = await client.call('runs.get', { runId });
      }
      if (run.status !== 'succeeded') {
        setState({ status: 'failed', runId, message: `The preview run ${run.status}${run.error ? `: ${run.error}` : ''}.` });
        return;
      }
      const candidates = deliverableNodes(run);
      let found: Shown = { kind: 'none', reason: 'The run produced no picture to show.' };
      for (const node of candidates) {
        try {
          const file = await client.call('runs.file', { runId, nodeId: node.nodeId });
          if (!file.dataUrl) {
            found = { kind: 'none', reason: file.reason ?? `No preview for ${file.mime}.` };
            continue;
          }
          if (file.mime.startsWith('video/')) {
            if (objectUrl.current) URL.revokeObjectURL(objectUrl.current);
            objectUrl.current = dataUrlToObjectUrl(file.dataUrl);
            if (objectUrl.current) found = { kind: 'video', src: objectUrl.current, name: file.name };
          } else if (file.mime.startsWith('image/')) found = { kind: 'image', src: file.dataUrl, name: file.name };
          if (found.kind !== 'none') break;
        } catch {
          // Try the next node.
        }
      }
      setShown(found);
      setState({ status: 'done', runId, message: 'Draft preview rendered (256 px, 8 samples); nothing was published.' });
    } catch (e) {
      setState({ status: 'failed', message: `The preview could not be rendered: ${errorText(e)}` });
    }
  }

  return (
    <section aria-labelledby={`${id}-h`}>
      <Title order={3} id={`${id}-h`} mb={4}>
        Preview render
      </Title>
      <Text mb="xs">A small draft (256 px, 8 samples) of the workflow with the values above, on a CAD file of the library. It publishes nothing.</Text>
      {cadFiles && cadFiles.length === 0 && <Text>No ready CAD file in the library: import one to render a preview.</Text>}
      <Group align="flex-end" gap="xs">
        <NativeSelect
          label="CAD file for the preview"
          value={cadFileId}
          onChange={(e) => setCadFileId(e.currentTarget.value)}
          disabled={!cadFiles?.length}
          data={(cadFiles ?? []).map((c) => ({ value: c.id, label: c.name }))}
          miw={240}
        />
        <Button variant="default" onClick={() => void render()} disabled={!cadFileId || !workflowId} loading={state.status === 'running'}>
          Render preview
        </Button>
      </Group>
      <Text role="status" mt="xs" c={state.status === 'failed' ? 'var(--fail)' : undefined}>
        {state.message}
        {state.runId && state.status !== 'running' && (
          <>
            {' '}
            <Anchor component={Link} to={`/runs/${state.runId}`}>
              Open the run
            </Anchor>
          </>
        )}
      </Text>
      {shown?.kind === 'image' && <Image src={shown.src} alt={`Preview render ${shown.name}`} maw={320} radius="sm" mt="xs" />}
      {shown?.kind === 'video' && <video src={shown.src} controls aria-label={`Preview render ${shown.name}`} style={{ maxWidth: 320, display: 'block', marginTop: 8 }} />}
      {shown?.kind === 'none' && <Text mt="xs">{shown.reason}</Text>}
    </section>
  );
}
