import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiFailure } from '../../../shared/contract/errors';
import type { Backend } from '../../entry/app/backend';
import { testBackend } from '../../testing/node-backend';
import { isAlive, waitFor } from '../../testing/processes';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';
import { liveRegisteredPids } from '../farm/pid-registry';

/** Legacy dispatch semantics (FORMAT.md) on a real backend, real Blender, real SQLite. */
const T = 120_000;
const DRAFT = { maxSize: 48, samples: 2 };
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
let cadId: string;
let hook: http.Server;
let hookUrl: string;
let hookStatus = 500;
const hookCalls: string[] = [];

const preset = (key: string, extra: Record<string, unknown> = {}) => ({
  fileName: `preset.${key}.json`,
  text: JSON.stringify({ format: 'lightbox.legacy/render-preset@1', key, name: key, artifact: 'still', resolution: { width: 64, height: 48 }, renderer: { samples: 2 }, ...extra }),
});
const pipeline = (key: string, steps: unknown[]) => ({
  fileName: `pipeline.${key}.json`,
  text: JSON.stringify({ format: 'lightbox.legacy/preset-workflow@1', key, name: key, family: 'order_line', steps }),
});

function lineOf(outputType: string, overrides = {}): string {
  return backend.production.orders.create({ cadFileIds: [cadId], outputTypeKeys: [outputType], overrides }).lines[0]?.id as string;
}
const dispatch = (lineId: string, draft = DRAFT) => backend.production.dispatcher.start(lineId, { draft }).done;

beforeAll(async () => {
  tmp = makeTempDir('lightbox-dispatcher-');
  backend = testBackend(path.join(tmp.dir, 'data'));
  hook = http.createServer((req, res) => {
    hookCalls.push(String(req.headers['idempotency-key']));
    req.resume();
    req.on('end', () => res.writeHead(hookStatus).end());
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  backend.legacy.import([
    pipeline('with_continue', [
      { service: 'resolve_cad' },
      { service: 'prepare_scene', options: { camera: { fit_margin: 0.4 } } },
      { service: 'apply_materials' },
      // A first render that fails at run time (its file name template is broken), passed over.
      { service: 'render_still', options: { output: { filename: '{order}_{bogus}' } }, on_error: 'continue' },
      { service: 'render_still' },
      { service: 'save_output' },
      { service: 'notify' },
    ]),
    pipeline('broken_render', [{ service: 'resolve_cad' }, { service: 'prepare_scene' }, { service: 'render_still', options: { output: { filename: '{order}_{bogus}' } } }, { service: 'save_output' }, { service: 'notify' }]),
    preset('continue_still', { pipeline: 'with_continue', camera: { fit_margin: 0.1 }, notify: { channels: ['desktop', 'webhook'], webhook_url: 'http://127.0.0.1:9/unused' } }),
    preset('broken_still', { pipeline: 'broken_render', notify: { on_success: false, channels: ['desktop'] } }),
    preset('plain_png', { output: { format: 'png' } }),
    pipeline('still_selfpublish', [{ service: 'resolve_cad' }, { service: 'prepare_scene' }, { service: 'render_still' }, { service: 'notify' }]),
    preset('self_publish', { pipeline: 'still_selfpublish' }),
    preset('webhook_still', { notify: { channels: ['webhook'], webhook_url: 'http://127.0.0.1:1/placeholder' } }),
    preset('inactive_still', { active: false }),
    preset('slow_still', { resolution: { width: 512, height: 512 }, renderer: { samples: 512 } }),
  ]);
  // The webhook preset points at this test's endpoint (its port is only known now).
  backend.legacy.import([preset('webhook_still', { notify: { channels: ['webhook'], webhook_url: hookUrl } })]);
  const imported = await backend.production.cad.importFile(TEST_STEP);
  const file = await imported.done;
  expect(file.status, file.error ?? '').toBe('ready');
  cadId = file.id;
}, T);

afterAll(async () => {
  await backend.close();
  await new Promise((resolve) => hook.close(resolve));
  tmp.cleanup();
});

describe('legacy dispatch', () => {
  it('honours on_error continue, step options for that step only, and records every node', async () => {
    const outcome = await dispatch(lineOf('continue_still'));
    expect(outcome.line.status).toBe('succeeded');
    const byId = Object.fromEntries(outcome.run.nodes.map((n) => [n.nodeId, n]));
    expect(byId.step4_render_still).toMatchObject({ status: 'failed', onError: 'continue', error: expect.stringContaining('{bogus}') });
    expect(byId.step5_render_still?.status).toBe('succeeded');
    // Step options apply to their step only: prepare_scene's margin, not the preset's.
    expect(byId.step2_prepare_scene?.settings).toMatchObject({ camera: { fit_margin: 0.4 } });
    expect(outcome.assets).toHaveLength(1);
    expect(outcome.assets[0]?.nodeId).toBe('step6_save_output');
    // Both renders wrote a render log: the failed one says why.
    expect(outcome.renderLogs.map((l) => [l.nodeId, l.status]).sort()).toEqual([['step4_render_still', 'failed'], ['step5_render_still', 'succeeded']]);
    expect(outcome.notifications.map((n) => n.channel).sort()).toEqual(['desktop', 'webhook']);
  }, T);

  it('a failing step fails the line with the step and its message; notify reports the failure; nothing is published', async () => {
    const outcome = await dispatch(lineOf('broken_still'));
    expect(outcome.line.status).toBe('failed');
    expect(outcome.run).toMatchObject({ status: 'failed', failedStep: 'step3_render_still' });
    expect(outcome.run.error).toMatch(/unknown placeholder \{bogus\}/);
    expect(outcome.line.error).toContain('step3_render_still');
    expect(outcome.run.nodes.find((n) => n.nodeType === 'output_save')?.status).toBe('skipped');
    expect(outcome.assets).toEqual([]);
    // on_success is off, on_failure is on (default): one failure notification naming the step.
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]).toMatchObject({ event: 'render.failed', channel: 'desktop', payload: { error: { step: 'step3_render_still' } } });
  }, T);

  it('a render self-publishes only when the pipeline has no save_output', async () => {
    const self = await dispatch(lineOf('self_publish'));
    expect(self.assets.map((a) => a.nodeId)).toEqual(['step3_render_still']);
    const saved = await dispatch(lineOf('plain_png'));
    expect(saved.assets.map((a) => a.nodeId)).toEqual(['step5_save_output']);
    expect(self.run.pipelineKey).toBe('still_selfpublish');
    expect(saved.run.nodes.find((n) => n.nodeType === 'render_still')?.outputs).not.toHaveProperty('asset');
  }, T);

  it("applies the order line's overrides: transparent background, material variant, camera angle", async () => {
    const outcome = await dispatch(lineOf('plain_png', { background: { mode: 'transparent' }, materialVariant: 'chrome', cameraAngle: 'top' }));
    const nodes = Object.fromEntries(outcome.run.nodes.map((n) => [n.nodeType, n]));
    expect(nodes.prepare_scene?.settings).toMatchObject({ background: { mode: 'transparent' }, camera: { angle: 'top' } });
    expect(nodes.apply_materials?.settings).toMatchObject({ default: 'chrome' });
    const meta = await sharp(path.join(backend.production.media.root, outcome.assets[0]?.file as string)).metadata();
    expect(meta.hasAlpha).toBe(true);
  }, T);

  it('a failing webhook never blocks the render and never loses the record; it is delivered once the endpoint recovers', async () => {
    hookStatus = 500;
    const outcome = await dispatch(lineOf('webhook_still'));
    expect(outcome.line.status).toBe('succeeded');
    const { outbox } = backend.production;
    await outbox.deliverDue();
    const [failing] = outbox.list({ orderLineId: outcome.line.id });
    expect(failing).toMatchObject({ channel: 'webhook', state: 'pending', attempts: 1, lastError: expect.stringContaining('500') });
    hookStatus = 204;
    // Due again after its backoff; the test does not wait five seconds for it.
    backend.db.prepare('UPDATE notifications SET next_attempt_at = ? WHERE id = ?').run(new Date(0).toISOString(), failing?.id);
    await outbox.deliverDue();
    expect(outbox.get(failing?.id as string)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(hookCalls.filter((k) => k === failing?.idempotencyKey)).toHaveLength(2);
  }, T);

  it('is idempotent: a finished line is not rendered again, a rendering one is refused, an inactive preset is refused', async () => {
    const lineId = lineOf('plain_png');
    const first = await dispatch(lineId);
    const again = backend.production.dispatcher.start(lineId, { draft: DRAFT });
    expect(again.alreadyDone).toBe(true);
    expect((await again.done).run.id).toBe(first.run.id);
    expect(backend.production.media.list(lineId)).toHaveLength(1);

    const inactive = lineOf('inactive_still');
    expect(() => backend.production.dispatcher.start(inactive)).toThrow(/inactive/);
    expect(backend.production.orders.line(inactive)?.status).toBe('queued');

    const slow = lineOf('slow_still');
    const running = backend.production.dispatcher.start(slow, { draft: {} });
    let refused: unknown;
    try {
      backend.production.dispatcher.start(slow);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiFailure);
    expect((refused as ApiFailure).code).toBe('busy');
    backend.production.dispatcher.cancel(slow);
    await running.done;
  }, T);

  it('cancel ends the render at once: line cancelled, no asset, no Blender busy', async () => {
    const lineId = lineOf('slow_still');
    const started = backend.production.dispatcher.start(lineId, { draft: {} });
    expect(await waitFor(() => backend.production.runs.get(started.runId)?.nodes.some((n) => n.nodeType === 'render_still' && n.status === 'running') ?? false, 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    expect(backend.production.dispatcher.cancel(lineId)).toBe(true);
    const outcome = await started.done;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(outcome.line.status).toBe('cancelled');
    expect(outcome.run.status).toBe('cancelled');
    expect(outcome.assets).toEqual([]);
    const farm = await backend.farm.get();
    expect(farm.status().processes.every((p) => p.state !== 'busy')).toBe(true);
    expect(liveRegisteredPids(backend.dataDir).every(isAlive)).toBe(true);
    // A cancelled line can be dispatched again.
    expect((await dispatch(lineId)).line.status).toBe('succeeded');
  }, T);

  it('refuses graph and shadow modes for an output type that binds no workflow, and unknown lines by id', () => {
    const lineId = lineOf('plain_png');
    expect(() => backend.production.dispatcher.start(lineId, { mode: 'graph' })).toThrow(/needs output type "plain_png" to bind a workflow \(migrate it first\)/);
    expect(backend.production.orders.line(lineId)?.status).toBe('queued');
    expect(() => backend.production.dispatcher.start('nope')).toThrow(/no order line "nope"/);
    expect(fs.existsSync(path.join(backend.dataDir, 'lightbox.db'))).toBe(true);
  });
});
