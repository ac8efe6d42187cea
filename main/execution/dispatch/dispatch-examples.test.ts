import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaAsset } from '../../../shared/media/api';
import type { Notification } from '../../../shared/notifications/api';
import type { RenderLog, WorkflowRun } from '../../../shared/runs/api';
import { runCli } from '../../entry/cli/run-cli';
import { examplesDir } from '../../catalog/legacy/legacy-testing';
import { fillPresetDefaults, type RenderPreset } from '../../catalog/legacy/preset-schema';
import { parseLegacyDocument } from '../../catalog/legacy/parse';
import { captureCli } from '../../testing/cli-capture';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';

/**
 * Issue #5, done when: each example render preset, imported as a legacy output type, renders an
 * order line of a CAx-IF STEP part through `lightbox dispatch` with one media asset, the
 * notifications its preset asks for, and a render log with every core field. Drafts keep it quick.
 */
const T = 180_000;
const presets = fs
  .readdirSync(examplesDir)
  .filter((f) => f.startsWith('preset.'))
  .sort()
  .map((f) => {
    const parsed = parseLegacyDocument(f, fs.readFileSync(path.join(examplesDir, f), 'utf8'));
    if (!parsed.ok || parsed.kind !== 'render_preset') throw new Error(`${f} does not parse`);
    return fillPresetDefaults(parsed.document);
  });
const pipelineSteps = (key: string): string[] => {
  const file = path.join(examplesDir, `pipeline.${key}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { steps: { service: string }[] }).steps.map((s) => s.service);
};

let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
let cadId: string;
let webhook: http.Server;
const received: { key: string | undefined; body: Record<string, unknown> }[] = [];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureCli(process.env);
  const code = await runCli([...args, '--data-dir', dataDir], c.io);
  return { code, out: c.out(), err: c.err() };
}

beforeAll(async () => {
  tmp = makeTempDir('lightbox-dispatch-');
  dataDir = path.join(tmp.dir, 'data');
  // still_transparent_web posts to this address: a real endpoint records what arrives.
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => webhook.once('error', reject).listen(8787, '127.0.0.1', resolve));
  const files = fs.readdirSync(examplesDir).map((f) => path.join(examplesDir, f));
  expect((await cli(['legacy', 'import', ...files])).code).toBe(0);
  const imported = await cli(['cad', 'import', TEST_STEP, '--json']);
  expect(imported.code, imported.err + imported.out).toBe(0);
  cadId = (JSON.parse(imported.out) as { cadFile: { id: string } }).cadFile.id;
}, T);

afterAll(async () => {
  await new Promise((resolve) => webhook.close(resolve));
  tmp.cleanup();
});

describe('lightbox dispatch renders every example render preset (legacy mode)', () => {
  it.each(presets.map((p) => [p.key, p] as [string, RenderPreset]))(
    '%s',
    async (key, preset) => {
      const created = await cli(['order', 'create', '--cad', cadId, '--output-type', key, '--json']);
      expect(created.code, created.err + created.out).toBe(0);
      const lineId = (JSON.parse(created.out) as { lines: { id: string }[] }).lines[0]?.id as string;

      const done = await cli(['dispatch', lineId, '--mode', 'legacy', '--max-size', '64', '--samples', '2', '--json']);
      expect(done.code, done.err + done.out).toBe(0);
      const outcome = JSON.parse(done.out) as { run: WorkflowRun; assets: MediaAsset[]; notifications: Notification[]; renderLogs: RenderLog[] };
      expect(outcome.run).toMatchObject({ status: 'succeeded', mode: 'legacy', role: 'authoritative', attempt: 1, pipelineKey: preset.pipeline });
      // The pipeline's steps ran in order, each as a node run.
      expect(outcome.run.nodes.map((n) => n.nodeType.replace('output_save', 'save_output'))).toEqual(['input_order_line', ...pipelineSteps(preset.pipeline as string)]);

      // Exactly one media asset, of the preset's kind, in its folder, matching its file on disk.
      expect(outcome.assets).toHaveLength(1);
      const asset = outcome.assets[0] as MediaAsset;
      expect(asset.kind).toBe(preset.publish?.kind);
      expect(asset.file.startsWith(`${preset.publish?.folder}/`)).toBe(true);
      const file = path.join(dataDir, 'media', asset.file);
      expect(fs.statSync(file).size).toBe(asset.bytes);
      const expectedFormat = { still: preset.output?.format === 'jpeg' ? 'jpeg' : preset.output?.format, turntable: preset.turntable?.codec === 'vp9' ? 'webm' : 'mp4', blend: 'blend' }[preset.artifact];
      expect(asset.format).toBe(expectedFormat);
      if (preset.artifact === 'still' && asset.format !== 'exr') {
        const meta = await sharp(file).metadata();
        expect([meta.width, meta.height]).toEqual([asset.width, asset.height]);
        expect(meta.hasAlpha).toBe(preset.background?.mode === 'transparent');
      }
      if (preset.artifact === 'turntable') {
        expect(asset.frames).toBe(preset.turntable?.frames);
        expect(asset.attachments.filter((a) => a.role === 'frame')).toHaveLength(preset.turntable?.keep_frames ? (preset.turntable.frames as number) : 0);
      }
      if ((preset.post?.thumbnail_px ?? 0) > 0 && pipelineSteps(preset.pipeline as string).includes('postprocess')) {
        expect(asset.attachments.map((a) => a.role)).toContain('thumbnail');
      }

      // The notifications the preset asks for: one per channel on success, none when on_success is off.
      const channels = preset.notify?.on_success ? (preset.notify.channels ?? []) : [];
      expect(outcome.notifications.map((n) => n.channel).sort()).toEqual([...channels].sort());
      for (const n of outcome.notifications) {
        expect(n.event).toBe('render.succeeded');
        expect(n.payload).toMatchObject({ orderLineId: lineId, outputType: key, asset: { id: asset.id } });
        // No app window listens in the CLI: desktop ones wait for the app; webhooks went out.
        expect(n.state).toBe(n.channel === 'desktop' ? 'pending' : 'delivered');
      }

      // A render log with every core field, the draft recorded.
      expect(outcome.renderLogs).toHaveLength(1);
      const log = outcome.renderLogs[0] as RenderLog;
      expect(log).toMatchObject({ engine: preset.renderer?.engine, samples: 2, blenderVersion: '3.4.1', status: 'succeeded', exitCode: 0, draft: { maxSize: 64, samples: 2 } });
      expect(Math.max(log.width ?? 0, log.height ?? 0)).toBe(64);
      expect(log.outputPath).toBeTruthy();
      expect(log.outputSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(log.durationMs).toBeGreaterThan(0);
      expect([log.frameStart, log.frameEnd]).toEqual(preset.artifact === 'turntable' ? [1, preset.turntable?.frames] : preset.artifact === 'still' ? [1, 1] : [null, null]);
      // The log has the render's own file; a post-processed still is published changed.
      if (preset.artifact !== 'turntable' && !pipelineSteps(preset.pipeline as string).includes('postprocess')) expect(log.outputSha256).toBe(asset.sha256);

      // `lightbox render` is the same dispatch storing nothing: the same preset, CAD file and draft
      // give byte-identical files (main and attachments), written to --out instead of the library.
      const out = path.join(tmp.dir, `render-${key}`);
      const rendered = await cli(['render', '--cad', TEST_STEP, '--preset', path.join(examplesDir, `preset.${key}.json`), '--out', out, '--max-size', '64', '--samples', '2', '--json']);
      expect(rendered.code, rendered.err + rendered.out).toBe(0);
      const written = JSON.parse(rendered.out) as { outputs: { sha256: string; format: string }[]; notifications: { event: string; channels: string[] }[]; nodes: { nodeType: string; outputs?: { blend?: { objects: string[] } } }[] };
      const hashes = (list: { sha256: string }[]) => list.map((o) => o.sha256).sort();
      if (asset.format === 'blend') {
        // A .blend holds Blender's in-memory addresses, so two saves of one scene differ in bytes
        // (two `lightbox render` runs do too): compared by what it holds, as shadow comparison does.
        const objects = (nodes: { nodeType: string; outputs?: unknown }[]) => (nodes.find((n) => n.nodeType === 'export_blend')?.outputs as { blend?: { objects: string[] } } | undefined)?.blend?.objects;
        expect(objects(written.nodes)).toEqual(objects(outcome.run.nodes));
        expect(objects(written.nodes)?.length).toBeGreaterThan(0);
        expect(written.outputs.map((o) => o.format)).toEqual(['blend']);
      } else {
        expect(hashes(written.outputs)).toEqual(hashes([asset, ...asset.attachments]));
      }
      expect(written.notifications.flatMap((n) => n.channels).sort()).toEqual([...channels].sort());
    },
    T,
  );

  it('listed by assets list and notifications list; webhooks carry one idempotency key each', async () => {
    const assets = await cli(['assets', 'list', '--json']);
    expect((JSON.parse(assets.out) as { assets: unknown[] }).assets).toHaveLength(presets.length);
    const pending = await cli(['notifications', 'list', '--state', 'pending', '--json']);
    const list = (JSON.parse(pending.out) as { notifications: Notification[] }).notifications;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((n) => n.channel === 'desktop')).toBe(true);
    // blend_packed's webhook arrived once, with its key; still_transparent_web notifies on failure only.
    expect(received.map((r) => [r.key, r.body.outputType, r.body.event])).toEqual([[expect.stringMatching(/:attempt-1:render\.succeeded:webhook$/), 'blend_packed', 'render.succeeded']]);
  });
});
