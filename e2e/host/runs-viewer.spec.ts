import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { CHEAP_STILL, SLOW_TURNTABLE, nodePanel, nodeRow, nodeStatus, nodeTable, prepareRuns, saveWithNodeSettings, startWorkflowRun, waitForRunEnd } from '../run-fixtures';

const RUN_TIMEOUT = 120_000;
const STILL_NODES = ['input', 'step1_resolve_cad', 'step2_prepare_scene', 'step3_apply_materials', 'step4_render_still', 'step5_save_output', 'step6_notify'];

const CAD_NAME = 'as1-oc-214.stp';

/** Nodes of the run graph whose box is not wholly inside the graph's canvas. */
async function nodesOutside(page: Page, ids: string[]): Promise<string[]> {
  const graph = page.getByRole('application', { name: 'Graph of the run' });
  const canvas = await graph.boundingBox();
  if (!canvas) return ids;
  const outside: string[] = [];
  for (const id of ids) {
    const box = await graph.getByRole('button', { name: new RegExp(`^${id} `) }).boundingBox();
    if (!box || box.x < canvas.x - 1 || box.y < canvas.y - 1 || box.x + box.width > canvas.x + canvas.width + 1 || box.y + box.height > canvas.y + canvas.height + 1) outside.push(id);
  }
  return outside;
}

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
  // Node statuses move on to succeeded (the page was opened while the run was starting).
  for (const id of STILL_NODES) await expect(nodeStatus(page, id)).toHaveText(/^succeeded/, { timeout: RUN_TIMEOUT });
  // Its edges too, checked once the run settled: in one CI run with two e2e workers the edge was not
  // there 10 s after the nodes showed (not reproduced in 3 runs since; the cause is not known).
  await expect(page.getByRole('img', { name: 'Edge from step3_apply_materials to step4_render_still' })).toBeAttached();
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
  // The CAD file by its name, not its id.
  await expect(page.getByRole('region', { name: 'Run details' })).toContainText(`CAD file${CAD_NAME}`);

  // The node panel sits beside the node table or below it, never on it; its log wraps instead of cutting lines.
  for (const size of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
    await page.setViewportSize(size);
    const table = await nodeTable(page).boundingBox();
    const panelBox = await panel.boundingBox();
    expect(table && panelBox, `boxes at ${size.width}×${size.height}`).toBeTruthy();
    const apart = table!.x + table!.width <= panelBox!.x || panelBox!.x + panelBox!.width <= table!.x || table!.y + table!.height <= panelBox!.y || panelBox!.y + panelBox!.height <= table!.y;
    expect(apart, `node table ${JSON.stringify(table)} and panel ${JSON.stringify(panelBox)} at ${size.width}×${size.height}`).toBe(true);
    const log = panel.getByRole('log', { name: 'Log of step4_render_still' });
    const { scrollWidth, clientWidth, longest } = await log.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, longest: Math.max(...(el.textContent ?? '').split('\n').map((l) => l.length)) }));
    // Blender's status lines are far longer than the panel is wide: unwrapped, they would scroll sideways.
    expect(longest).toBeGreaterThan(100);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.screenshot({ path: `test-results/screenshots/run-viewer-node-panel-${size.width}x${size.height}.png`, fullPage: true });
  }

  // The graph refits when the window changes size: at 1440×900, then at 1024×700, every node inside the canvas.
  for (const size of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
    await page.setViewportSize(size);
    await graph.scrollIntoViewIfNeeded();
    await expect.poll(async () => nodesOutside(page, STILL_NODES), { message: `nodes outside the graph at ${size.width}×${size.height}` }).toEqual([]);
  }

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
  // Render progress comes from the samples and frames Cycles reports, as a percentage: caught part way.
  const progress = nodeRow(page, 'step4_render_turntable').getByRole('progressbar', { name: 'Progress of step4_render_turntable' });
  await expect(progress).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: RUN_TIMEOUT }).toBeGreaterThan(0);
  const partWay = Number(await progress.getAttribute('aria-valuenow'));
  expect(partWay).toBeLessThan(100);
  await expect(nodeRow(page, 'step4_render_turntable')).toContainText(/[^\d]\d{1,2} %/);
  await expect(nodePanel(page, 'step4_render_turntable').getByRole('progressbar', { name: /Render progress of step4_render_turntable/ })).toBeVisible();
  await expect(nodePanel(page, 'step4_render_turntable')).toContainText(/\d+ %/);
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
