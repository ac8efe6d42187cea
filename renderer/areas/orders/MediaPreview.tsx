import { useEffect, useState } from 'react';
import { Button, Group, Loader, Text } from '@mantine/core';
import { Modal } from '../../ui/Modal';
import type { MediaAsset } from '../../../shared/media/api';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { dataUrlToObjectUrl } from '../cad-library/base64';
import { formatBytes } from '../cad-library/format';
import { formatTime } from '../../ui/format-time';

type Preview = { kind: 'image'; src: string } | { kind: 'video'; src: string } | { kind: 'none'; reason: string };

const VIDEO_FORMATS = new Set(['mp4', 'webm', 'mov', 'mkv']);

/** The file name without the library folders it sits in. */
function baseName(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

function isBlend(asset: Pick<MediaAsset, 'format' | 'file'>): boolean {
  return asset.format.toLowerCase() === 'blend' || asset.file.toLowerCase().endsWith('.blend');
}

/** The published file itself: an image, a playable video, or what is known about a .blend. */
function usePreview(asset: MediaAsset): { preview: Preview | null; error: string | null } {
  const client = useClient();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { id, format, file } = asset;
  useEffect(() => {
    if (isBlend({ format, file })) {
      setPreview({ kind: 'none', reason: 'A Blender scene: open it in Blender from the media library.' });
      return;
    }
    let live = true;
    let objectUrl: string | null = null;
    setPreview(null);
    setError(null);
    client.call('assets.preview', { id }).then(
      ({ dataUrl, mime, reason }) => {
        if (!live) return;
        if (!dataUrl) setPreview({ kind: 'none', reason: reason ?? `No preview for ${mime}.` });
        else if (mime.startsWith('video/') || VIDEO_FORMATS.has(format.toLowerCase())) {
          // Media may only come from blob: under the CSP.
          objectUrl = dataUrlToObjectUrl(dataUrl);
          setPreview(objectUrl ? { kind: 'video', src: objectUrl } : { kind: 'none', reason: 'The video could not be decoded.' });
        } else if (mime.startsWith('image/')) setPreview({ kind: 'image', src: dataUrl });
        else setPreview({ kind: 'none', reason: `No preview for ${mime}.` });
      },
      (e: unknown) => live && setError(`The preview could not be loaded: ${errorText(e)}`),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [client, id, format, file]);
  return { preview, error };
}

/** One published media asset: its preview (full size on demand) and its facts. */
export function MediaPreview({ asset }: { asset: MediaAsset }) {
  const { preview, error } = usePreview(asset);
  const [full, setFull] = useState(false);
  const name = baseName(asset.file);
  const dims = asset.width && asset.height ? `${asset.width} × ${asset.height}` : null;
  return (
    <figure className="asset">
      <div className="asset-preview">
        {error && <Text c="var(--fail)">{error}</Text>}
        {!preview && !error && (
          <Group role="status" gap={6}>
            <Loader size={12} aria-hidden="true" />
            <Text c="dimmed">Loading the preview…</Text>
          </Group>
        )}
        {preview?.kind === 'image' && (
          <>
            <img src={preview.src} alt={`Preview of ${name}`} className="asset-image" />
            <Button variant="default" onClick={() => setFull(true)} aria-label={`View ${name} full size`}>
              View full size
            </Button>
            <Modal open={full} onClose={() => setFull(false)} title={name} size="auto">
              <img src={preview.src} alt={name} className="media-full" />
              <Group justify="flex-end" mt="sm">
                <Button variant="default" onClick={() => setFull(false)}>
                  Close
                </Button>
              </Group>
            </Modal>
          </>
        )}
        {preview?.kind === 'video' && <video src={preview.src} controls className="asset-video" aria-label={`Video ${name}`} />}
        {preview?.kind === 'none' && <Text c="dimmed">{preview.reason}</Text>}
      </div>
      <figcaption>
        <dl className="facts">
          <dt>File</dt>
          <dd>
            <code>{asset.file}</code>{' '}
            <Text span c="dimmed">
              in the media library
            </Text>
          </dd>
          <dt>Kind</dt>
          <dd>
            {asset.kind}, {asset.format}
          </dd>
          {dims && (
            <>
              <dt>Dimensions</dt>
              <dd>{dims}</dd>
            </>
          )}
          {asset.durationSeconds !== null && (
            <>
              <dt>Duration</dt>
              <dd>{asset.durationSeconds.toFixed(2)} s</dd>
            </>
          )}
          {asset.frames !== null && (
            <>
              <dt>Frames</dt>
              <dd>{asset.frames}</dd>
            </>
          )}
          <dt>Size</dt>
          <dd>{formatBytes(asset.bytes)}</dd>
          <dt>SHA-256</dt>
          <dd>
            <code>{asset.sha256}</code>
          </dd>
          <dt>Published</dt>
          <dd>{formatTime(asset.createdAt)}</dd>
          {asset.attachments.length > 0 && (
            <>
              <dt>Attachments</dt>
              <dd>
                <ul className="plain-list">
                  {asset.attachments.map((a) => (
                    <li key={`${a.role}:${a.file}`}>
                      {a.role}: <code>{a.file}</code>
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
        </dl>
      </figcaption>
    </figure>
  );
}
