import { Fragment, useEffect, useId, useState } from 'react';
import { Button, Group, Text } from '@mantine/core';
import { Modal } from '../../ui/Modal';
import type { MethodOutput } from '../../../shared/contract/methods';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { dataUrlToObjectUrl } from '../cad-library/base64';
import { formatBytes } from '../cad-library/format';
import { isObject } from './run-format';

type RunFile = MethodOutput<'runs.file'>;
type Loaded = { file: RunFile; src: string | null; kind: 'image' | 'video' | 'none' };

/** One file a node produced (runs.file): images as data: URLs, videos as blob: URLs (the CSP allows media only from blob:). */
function useRunFile(runId: string, nodeId: string, port: string, index: number, version: string): { loaded: Loaded | null; error: string | null } {
  const client = useClient();
  const [state, setState] = useState<{ key: string; loaded: Loaded | null; error: string | null }>({ key: '', loaded: null, error: null });
  const key = `${runId}/${nodeId}/${port}/${index}/${version}`;
  useEffect(() => {
    let live = true;
    let objectUrl: string | null = null;
    client.call('runs.file', { runId, nodeId, port, index }).then(
      (file) => {
        if (!live) return;
        if (!file.dataUrl) setState({ key, loaded: { file, src: null, kind: 'none' }, error: null });
        else if (file.mime.startsWith('video/')) {
          objectUrl = dataUrlToObjectUrl(file.dataUrl);
          setState({ key, loaded: { file, src: objectUrl, kind: objectUrl ? 'video' : 'none' }, error: objectUrl ? null : 'The video could not be decoded.' });
        } else if (file.mime.startsWith('image/')) setState({ key, loaded: { file, src: file.dataUrl, kind: 'image' }, error: null });
        else setState({ key, loaded: { file, src: null, kind: 'none' }, error: null });
      },
      (e: unknown) => live && setState({ key, loaded: null, error: `The file could not be read: ${errorText(e)}` }),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [client, runId, nodeId, port, index, key]);
  return state.key === key ? state : { loaded: null, error: null };
}

function FilePreview({ runId, nodeId, port, index = 0, version, label }: { runId: string; nodeId: string; port: string; index?: number; version: string; label: string }) {
  const { loaded, error } = useRunFile(runId, nodeId, port, index, version);
  const [fullSize, setFullSize] = useState(false);
  if (error) return <Text c="var(--fail)">{error}</Text>;
  if (!loaded)
    return (
      <p role="status" className="muted">
        <span className="spinner" aria-hidden="true" /> Loading {label}…
      </p>
    );
  const { file, src, kind } = loaded;
  return (
    <div className="run-file">
      {kind === 'image' && src && (
        <>
          <img src={src} alt={label} className="run-image" />
          <Button variant="default" onClick={() => setFullSize(true)}>
            View full size<span className="visually-hidden">: {label}</span>
          </Button>
          <Modal open={fullSize} onClose={() => setFullSize(false)} title={`${label}, full size`} size="auto">
            <img src={src} alt={`${label}, full size`} style={{ maxWidth: '100%' }} />
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={() => setFullSize(false)}>
                Close
              </Button>
            </Group>
          </Modal>
        </>
      )}
      {kind === 'video' && src && (
        <video src={src} controls aria-label={label} className="run-video" />
      )}
      <p className="muted run-file-facts">
        {file.name}, {formatBytes(file.bytes)}, {file.mime}
        {file.reason && <span className="run-file-reason"> {file.reason}</span>}
      </p>
    </div>
  );
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function Facts({ entries }: { entries: [string, unknown][] }) {
  const shown = entries.filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (!shown.length) return null;
  return (
    <dl className="facts">
      {shown.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd className="run-fact">{typeof v === 'object' ? <code>{JSON.stringify(v)}</code> : typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? <code>{v}</code> : String(v)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function SequencePreview({ runId, nodeId, port, frames, version }: { runId: string; nodeId: string; port: string; frames: number; version: string }) {
  const [index, setIndex] = useState(0);
  const id = useId();
  return (
    <>
      <div className="run-frame-control">
        <label htmlFor={id}>
          Frame of {port} of {nodeId}
        </label>
        <input id={id} type="range" min={0} max={Math.max(0, frames - 1)} value={index} onChange={(e) => setIndex(Number(e.target.value))} aria-valuetext={`frame ${index + 1} of ${frames}`} />
        <span className="muted">
          {index + 1} / {frames}
        </span>
      </div>
      <FilePreview runId={runId} nodeId={nodeId} port={port} index={index} version={version} label={`Frame ${index + 1} of ${port} of ${nodeId}`} />
    </>
  );
}

/** One output port's artifact, by its type: image, frames, video, .blend, media asset, metadata, anything else as data. */
function Artifact({ runId, nodeId, port, artifact }: { runId: string; nodeId: string; port: string; artifact: unknown }) {
  if (!isObject(artifact)) return <p className="muted">{String(artifact)}</p>;
  const type = str(artifact['type']) ?? 'unknown';
  const version = str(artifact['sha256']) ?? str(artifact['file']) ?? '';
  const label = `Output ${port} of ${nodeId}`;
  switch (type) {
    case 'image': {
      const w = num(artifact['width']);
      const h = num(artifact['height']);
      return (
        <>
          <FilePreview runId={runId} nodeId={nodeId} port={port} version={version} label={label} />
          <Facts entries={[['Format', artifact['format']], ['Size', w && h ? `${w} × ${h}` : null], ['SHA-256', artifact['sha256']], ['File', artifact['file']], ['Thumbnail', isObject(artifact['thumbnail']) ? artifact['thumbnail']['file'] : null]]} />
        </>
      );
    }
    case 'image_sequence': {
      const frames = Array.isArray(artifact['frames']) ? artifact['frames'].length : 0;
      const w = num(artifact['width']);
      const h = num(artifact['height']);
      return (
        <>
          {frames > 0 && <SequencePreview runId={runId} nodeId={nodeId} port={port} frames={frames} version={`${version}${frames}`} />}
          <Facts entries={[['Frames', frames], ['Format', artifact['format']], ['Size', w && h ? `${w} × ${h}` : null], ['Frames per second', artifact['fps']]]} />
        </>
      );
    }
    case 'video': {
      const w = num(artifact['width']);
      const h = num(artifact['height']);
      return (
        <>
          <FilePreview runId={runId} nodeId={nodeId} port={port} version={version} label={label} />
          <Facts entries={[['Format', artifact['format']], ['Size', w && h ? `${w} × ${h}` : null], ['Frames', artifact['frames']], ['Duration', num(artifact['durationSeconds']) !== null ? `${num(artifact['durationSeconds'])} s` : null], ['SHA-256', artifact['sha256']], ['File', artifact['file']]]} />
        </>
      );
    }
    case 'blend_file':
      return (
        <>
          <FilePreview runId={runId} nodeId={nodeId} port={port} version={version} label={label} />
          <p className="muted">A Blender scene: it is not previewed here; open the file named above in Blender.</p>
          <Facts entries={Object.entries(artifact).filter(([k]) => k !== 'type')} />
        </>
      );
    case 'media_asset':
      return (
        <Facts
          entries={[
            ['Asset', artifact['assetId']],
            ['Kind', artifact['kind']],
            ['File', artifact['file']],
            ['SHA-256', artifact['sha256']],
            ['Published', artifact['published'] === true ? 'yes' : artifact['published'] === false ? 'no (recorded what it would publish)' : null],
          ]}
        />
      );
    case 'metadata': {
      const body = isObject(artifact['metadata']) ? artifact['metadata'] : Object.fromEntries(Object.entries(artifact).filter(([k]) => k !== 'type'));
      return <Facts entries={Object.entries(body)} />;
    }
    default:
      return (
        <details>
          <summary>
            Data<span className="visually-hidden"> of {label}</span>
          </summary>
          <pre className="log run-json">{JSON.stringify(artifact, null, 2)}</pre>
        </details>
      );
  }
}

/** Every output port of a node with its artifact. */
export function NodeOutputs({ runId, nodeId, outputs }: { runId: string; nodeId: string; outputs: Record<string, unknown> | null }) {
  const ports = outputs ? Object.entries(outputs) : [];
  if (!ports.length) return <p className="muted">No outputs yet.</p>;
  return (
    <ul className="plain-list run-outputs">
      {ports.map(([port, artifact]) => (
        <li key={port} className="run-output">
          <h4>
            {port} <span className="muted">({isObject(artifact) ? String(artifact['type'] ?? 'value') : typeof artifact})</span>
          </h4>
          <Artifact runId={runId} nodeId={nodeId} port={port} artifact={artifact} />
        </li>
      ))}
    </ul>
  );
}
