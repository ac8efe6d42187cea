import { useCallback, useEffect, useState } from 'react';
import type { Comparison } from '../../../shared/comparison/api';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { dataUrlToObjectUrl } from '../cad-library/base64';
import { deliverableNodes } from '../runs/deliverable-nodes';

export type Picture = { kind: 'image' | 'video'; src: string; name: string } | { kind: 'none'; reason: string };

export interface Sides {
  legacy: Picture | null;
  shadow: Picture | null;
  /** Per-frame images of the shadow side (turntables rendered as an image sequence), fetched on demand. */
  shadowFrame: (index: number) => Promise<Picture>;
}

function toPicture(file: { name: string; mime: string; dataUrl: string | null; reason?: string }, urls: string[]): Picture {
  if (!file.dataUrl) return { kind: 'none', reason: file.reason ?? `No preview for ${file.mime}.` };
  if (file.mime.startsWith('video/')) {
    // Media may only come from blob: under the CSP.
    const url = dataUrlToObjectUrl(file.dataUrl);
    if (!url) return { kind: 'none', reason: 'The video could not be decoded.' };
    urls.push(url);
    return { kind: 'video', src: url, name: file.name };
  }
  if (file.mime.startsWith('image/')) return { kind: 'image', src: file.dataUrl, name: file.name };
  return { kind: 'none', reason: `No preview for ${file.mime}.` };
}

/**
 * The two pictures of a comparison. There is no method that serves a comparison's own files, so:
 * the legacy side is the legacy run's published media asset (orders.line → assets.preview), the
 * shadow side the shadow run's output_save (else render) node file (runs.get → runs.file).
 */
export function useSides(comparison: Comparison | null): Sides {
  const client = useClient();
  const [legacy, setLegacy] = useState<Picture | null>(null);
  const [shadow, setShadow] = useState<Picture | null>(null);
  const [frameNode, setFrameNode] = useState<string | null>(null);
  const id = comparison?.id;
  const orderLineId = comparison?.orderLineId ?? null;
  const legacyRunId = comparison?.legacyRunId;
  const shadowRunId = comparison?.shadowRunId;
  useEffect(() => {
    if (!id || !legacyRunId || !shadowRunId) return;
    let live = true;
    const urls: string[] = [];
    setLegacy(null);
    setShadow(null);
    (async () => {
      if (!orderLineId) return { kind: 'none', reason: 'This comparison has no order line, so no published legacy asset.' } as Picture;
      const line = await client.call('orders.line', { id: orderLineId });
      const asset = line.assets.find((a) => a.runId === legacyRunId) ?? line.assets[0];
      if (!asset) return { kind: 'none', reason: 'The legacy run published no media asset.' } as Picture;
      const preview = await client.call('assets.preview', { id: asset.id });
      return toPicture({ name: asset.file.split(/[\\/]/).pop() ?? asset.file, mime: preview.mime, dataUrl: preview.dataUrl, ...(preview.reason ? { reason: preview.reason } : {}) }, urls);
    })().then(
      (p) => live && setLegacy(p),
      (e: unknown) => live && setLegacy({ kind: 'none', reason: `The legacy picture could not be loaded: ${errorText(e)}` }),
    );
    (async () => {
      const run = await client.call('runs.get', { runId: shadowRunId });
      const turntable = run.nodes.find((n) => n.nodeType === 'render_turntable' && n.outputs);
      if (live) setFrameNode(turntable?.nodeId ?? null);
      const nodes = deliverableNodes(run);
      let last: Picture = { kind: 'none', reason: 'The shadow run produced no file to show.' };
      for (const node of nodes) {
        try {
          const p = toPicture(await client.call('runs.file', { runId: shadowRunId, nodeId: node.nodeId }), urls);
          if (p.kind !== 'none') return p;
          last = p;
        } catch (e) {
          last = { kind: 'none', reason: errorText(e) };
        }
      }
      return last;
    })().then(
      (p) => live && setShadow(p),
      (e: unknown) => live && setShadow({ kind: 'none', reason: `The shadow picture could not be loaded: ${errorText(e)}` }),
    );
    return () => {
      live = false;
      for (const u of urls) URL.revokeObjectURL(u);
    };
  }, [client, id, orderLineId, legacyRunId, shadowRunId]);

  const shadowFrame = useCallback(async (index: number): Promise<Picture> => {
    if (!frameNode || !shadowRunId) return { kind: 'none', reason: 'No per-frame images for this run.' };
    try {
      return toPicture(await client.call('runs.file', { runId: shadowRunId, nodeId: frameNode, index }), []);
    } catch (e) {
      return { kind: 'none', reason: errorText(e) };
    }
  }, [client, frameNode, shadowRunId]);
  return { legacy, shadow, shadowFrame };
}
