import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { CHEAP_STILL, SLOW_TURNTABLE, nodePanel, nodeRow, nodeStatus, prepareRuns, saveWithNodeSettings, startWorkflowRun, waitForRunEnd } from '../run-fixtures';

const RUN_TIMEOUT = 120_000;
const STILL_NODES = ['input', 'step1_resolve_cad', 'step2_prepare_scene', 'step3_apply_materials', 'step4_render_still', 'step5_save_output', 'step6_notify'];

/** The run's own status, as the page heading's tag shows it. */
const runHeading = (page: Page) => page.getByRole('heading', { level: 1 });

test('a still run of a migrated workflow: the page follows its nodes to succeeded and shows the image', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  const { cadFileId } = await prepareRuns(request, host);
  const revision = await saveWithNodeSettings(request, host, 'legacy.still_default', 'render_still', CHEAP_STILL);

  // The runs list is open when the run starts: the new row comes by runs.node events, no reload.
  await page.goto(`${host.url}#/runs`);
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  // Only the CAD file's ingest run so far.
  await expect(page.getByRole('status').filter({ hasText: /^1 run$/ })).toBeVisible();
  const runId = await startWorkflowRun(request, host, 'legacy.still_default', cadFileId);
  const runs = page.getByRole('table', { name: 'Runs' });
  const link = runs.getByRole('link', { name: `Run ${runId.slice(0, 8)}` });
  await expect(link).toBeVisible();
  await expect(runs.getByRole('row').filter({ has: page.getByRole('link', { name: `Run ${runId.slice(0, 8)}` }) })).toContainText(`legacy.still_default@${revision}`);
  await link.click();

  await expect(runHeading(page)).toContainText(`Run ${runId.slice(0, 8)}`);
  await expect(runHeading(page)).toBeFocused();
  // The graph of that revision, every node a button that names its status.
  const graph = page.getByRole('application', { name: 'Graph of the run' });
  for (const id of STILL_NODES) await expect(graph.getByRole('button', { name: new RegExp(`^${id} `) })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Edge from step3_apply_materials to step4_render_still' })).toBeAttached();

  // Node statuses move on to succeeded (the page was opened while the run was starting).
  for (const id of STILL_NODES) await expect(nodeStatus(page, id)).toHaveText(/^succeeded/, { timeout: RUN_TIMEOUT });
  await expect(runHeading(page)).toContainText('succeeded');
  await expect(graph.getByRole('button', { name: /^step4_render_still / })).toContainText('succeeded');
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);

  // The render node's panel, opened from the keyboard: settings, image, log.
  await nodeRow(page, 'step4_render_still').getByRole('button', { name: 'step4_render_still', exact: true }).focus();
  await page.keyboard.press('Enter');
  const panel = nodePanel(page, 'step4_render_still');
  await expect(panel.getByRole('heading', { name: 'Node step4_render_still' })).toBeFocused();
  await expect(panel).toContainText('"width": 64');
  const image = panel.getByRole('img', { name: 'Output image of step4_render_still' });
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([64, 64]);
  await expect(panel.getByRole('log', { name: 'Log of step4_render_still' })).not.toBeEmpty();
  await expect(panel.getByText(/^[0-9a-f]{64}$/).first()).toBeVisible();

  // The output_save of an editor run records what it would publish, and publishes nothing.
  await nodeRow(page, 'step5_save_output').getByRole('button', { name: 'step5_save_output', exact: true }).click();
  await expect(nodePanel(page, 'step5_save_output')).toContainText('no (recorded what it would publish)');
  await nodePanel(page, 'step5_save_output').getByRole('button', { name: /^Close/ }).click();
  await expect(nodePanel(page, 'step5_save_output')).toHaveCount(0);

  // The graph is most of the page at 1440×900 once the run's details are folded; a screenshot for a reviewer.
  await page.setViewportSize({ width: 1440, height: 900 });
  const details = page.getByRole('toolbar', { name: 'Run view' }).getByRole('button', { name: 'Run details' });
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  await page.screenshot({ path: 'test-results/screenshots/run-viewer-1440x900.png' });
  await details.click();
  await expect(details).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('term').filter({ hasText: /^Mode$/ })).toHaveCount(0);
  await graph.scrollIntoViewIfNeeded();
  const box = await graph.boundingBox();
  expect(((box?.width ?? 0) * Math.min(box?.height ?? 0, 900)) / (1440 * 900)).toBeGreaterThanOrEqual(0.5);
  await page.screenshot({ path: 'test-results/screenshots/run-viewer-details-folded-1440x900.png' });
});

test('Cancel stops a running turntable from its page', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  const { cadFileId } = await prepareRuns(request, host);
  await saveWithNodeSettings(request, host, 'legacy.turntable_default', 'render_turntable', SLOW_TURNTABLE);
  const runId = await startWorkflowRun(request, host, 'legacy.turntable_default', cadFileId);
  await page.goto(`${host.url}#/runs/${runId}?node=step4_render_turntable`);

  const cancel = page.getByRole('button', { name: 'Cancel run' });
  await expect(cancel).toBeVisible();
  await expect(nodeStatus(page, 'step4_render_turntable')).toHaveText(/^running/, { timeout: RUN_TIMEOUT });
  // Render progress comes frame by frame (runs.node done/total).
  const progress = nodeRow(page, 'step4_render_turntable').getByRole('progressbar', { name: 'Progress of step4_render_turntable' });
  await expect(progress).toHaveAttribute('max', '36', { timeout: RUN_TIMEOUT });
  await expect(nodePanel(page, 'step4_render_turntable').getByRole('progressbar', { name: /Render progress of step4_render_turntable/ })).toBeVisible();
  await expect(nodePanel(page, 'step4_render_turntable').getByRole('button', { name: /^Re-run from this node/ })).toBeDisabled();

  await cancel.click();
  await expect(runHeading(page)).toContainText('cancelled', { timeout: 60_000 });
  await expect(cancel).toHaveCount(0);
  await expect(nodeStatus(page, 'step4_render_turntable')).toHaveText(/^cancelled/);
  for (const id of ['step5_encode_video', 'step6_save_output', 'step7_notify']) await expect(nodeStatus(page, id)).toHaveText(/^skipped/);

  // The backend agrees, and nothing of the run is left on the farm.
  expect((await callApi<{ status: string }>(request, host, 'runs.get', { runId })).status).toBe('cancelled');
  await expect
    .poll(async () => {
      const status = await callApi<{ tasks: { state: string }[] }>(request, host, 'farm.status', {});
      return status.tasks.filter((t) => ['queued', 'running', 'retrying'].includes(t.state)).length;
    })
    .toBe(0);
});

test('Re-run from a node: a new run where the upstream nodes are reused', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  const { cadFileId } = await prepareRuns(request, host);
  await saveWithNodeSettings(request, host, 'legacy.still_default', 'render_still', CHEAP_STILL);
  const firstId = await startWorkflowRun(request, host, 'legacy.still_default', cadFileId);
  expect((await waitForRunEnd(request, host, firstId)).status).toBe('succeeded');

  await page.goto(`${host.url}#/runs/${firstId}`);
  await expect(nodeStatus(page, 'step3_apply_materials')).toHaveText(/^succeeded/);
  // Chosen on the graph.
  await page.getByRole('application', { name: 'Graph of the run' }).getByRole('button', { name: /^step3_apply_materials / }).click();
  const panel = nodePanel(page, 'step3_apply_materials');
  await panel.getByRole('button', { name: /^Re-run from this node/ }).click();

  // The page moves to the new run.
  await expect(page).not.toHaveURL(new RegExp(`/runs/${firstId}`));
  const secondId = decodeURIComponent(/\/runs\/([^?]+)/.exec(page.url())?.[1] ?? '');
  expect(secondId).not.toBe(firstId);
  await expect(runHeading(page)).toContainText(`Run ${secondId.slice(0, 8)}`);
  await expect(runHeading(page)).toContainText('succeeded', { timeout: RUN_TIMEOUT });

  // Upstream of apply_materials reused; it and what follows ran again.
  await expect(nodeStatus(page, 'step2_prepare_scene')).toHaveText(/^reused/);
  for (const id of ['step3_apply_materials', 'step4_render_still', 'step5_save_output', 'step6_notify']) await expect(nodeStatus(page, id)).toHaveText(/^succeeded/);
  await nodeRow(page, 'step2_prepare_scene').getByRole('button', { name: 'step2_prepare_scene', exact: true }).click();
  await expect(nodePanel(page, 'step2_prepare_scene').getByRole('log', { name: 'Log of step2_prepare_scene' })).toContainText('reused the stored output');
  await nodeRow(page, 'step4_render_still').getByRole('button', { name: 'step4_render_still', exact: true }).click();
  await expect(nodePanel(page, 'step4_render_still').getByRole('img', { name: 'Output image of step4_render_still' })).toBeVisible();

  const second = await callApi<{ nodes: { nodeId: string; log: string }[] }>(request, host, 'runs.get', { runId: secondId });
  expect(second.nodes.find((n) => n.nodeId === 'step2_prepare_scene')?.log).toContain('reused the stored output');
  expect(second.nodes.find((n) => n.nodeId === 'step3_apply_materials')?.log).not.toContain('reused');

  // Back to the list: both runs, the newer first.
  await page.getByRole('link', { name: 'All runs' }).click();
  const links = page.getByRole('table', { name: 'Runs' }).getByRole('link');
  await expect(links.nth(0)).toHaveText(`Run ${secondId.slice(0, 8)}`);
  await expect(links.nth(1)).toHaveText(`Run ${firstId.slice(0, 8)}`);
});
