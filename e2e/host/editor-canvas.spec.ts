import fs from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { migrateLegacyExamples, prepareRuns } from '../run-fixtures';
import { canvas, canvasNode, getWorkflow, settledBox } from '../workflow-fixtures';

/** Where the suite leaves screenshots for a reviewer (beside the shell test's, one per area). */
const SHOTS = 'test-results/screenshots';

/** The share of the viewport a locator's box covers (the part of it on screen). */
async function viewportShare(page: Page, locator: Locator): Promise<number> {
  const box = await settledBox(locator);
  const vp = page.viewportSize();
  if (!box || !vp) throw new Error('no box or viewport');
  const w = Math.max(0, Math.min(box.x + box.width, vp.width) - Math.max(box.x, 0));
  const h = Math.max(0, Math.min(box.y + box.height, vp.height) - Math.max(box.y, 0));
  return (w * h) / (vp.width * vp.height);
}

/**
 * How tall a node's title is on screen: the visible text whose words are the node's title (its
 * accessible name without the id), measured as drawn (its box) and as its font size times the
 * canvas's zoom (its drawn width over its laid-out width).
 */
async function titleOnScreen(page: Page, nodeId: string): Promise<{ title: string; boxHeight: number; fontPx: number }> {
  const node = canvasNode(page, nodeId);
  const name = (await node.getAttribute('aria-label')) ?? '';
  const title = name.replace(/ \([^)]*\)$/, '');
  const text = node.getByText(title, { exact: true }).filter({ visible: true });
  await expect(text).toHaveCount(1);
  const m = await text.evaluate((el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    const zoom = r.width / el.offsetWidth;
    return { boxHeight: r.height, fontPx: parseFloat(getComputedStyle(el).fontSize) * zoom };
  });
  return { title, ...m };
}

test('the canvas is the page: at 1440×900 it covers most of the window and the migrated still workflow reads at fit; panels and the minimap fold away; at 1024×700 a node and its settings are reachable', async ({ page, host, request }) => {
  await migrateLegacyExamples(request, host);
  const doc = await getWorkflow(request, host, 'legacy.still_default');
  expect(doc.nodes).toHaveLength(7);
  fs.mkdirSync(SHOTS, { recursive: true });

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${host.url}#/workflows/legacy.still_default`);
  await expect(page.getByRole('heading', { level: 1, name: /^Workflow: / })).toBeVisible();
  for (const n of doc.nodes) await expect(canvasNode(page, n.id)).toBeVisible();

  // Panels beside the canvas start folded at this width; each has its toggle.
  const toolbar = page.getByRole('toolbar', { name: 'Editor' });
  const paletteToggle = toolbar.getByRole('button', { name: 'Node palette' });
  const sideToggle = toolbar.getByRole('button', { name: 'Side panel' });
  const minimapToggle = toolbar.getByRole('button', { name: 'Minimap' });
  await expect(paletteToggle).toHaveAttribute('aria-expanded', 'false');
  await expect(sideToggle).toHaveAttribute('aria-expanded', 'false');
  await expect(minimapToggle).toHaveAttribute('aria-pressed', 'true');

  const share = await viewportShare(page, canvas(page));
  test.info().annotations.push({ type: 'canvas share at 1440×900', description: `${(share * 100).toFixed(1)} %` });
  expect(share).toBeGreaterThanOrEqual(0.6);

  // At fit view every node's title is at least 11 px tall on screen.
  const sizes = [];
  for (const n of doc.nodes) sizes.push(await titleOnScreen(page, n.id));
  test.info().annotations.push({ type: 'node titles at fit (px on screen)', description: sizes.map((s) => `${s.title}: font ${s.fontPx.toFixed(1)}, box ${s.boxHeight.toFixed(1)}`).join('; ') });
  for (const s of sizes) {
    expect(s.fontPx, s.title).toBeGreaterThanOrEqual(11);
    expect(s.boxHeight, s.title).toBeGreaterThanOrEqual(11);
  }

  // The minimap is small and can be hidden.
  const minimap = canvas(page).getByRole('img', { name: 'Minimap of the workflow' });
  const mapBox = await minimap.boundingBox();
  const canvasBox = await canvas(page).boundingBox();
  expect((mapBox?.width ?? 0) * (mapBox?.height ?? 0)).toBeLessThan(0.05 * (canvasBox?.width ?? 0) * (canvasBox?.height ?? 0));
  await page.screenshot({ path: `${SHOTS}/workflow-editor-1440x900.png` });
  await minimapToggle.click();
  await expect(minimapToggle).toHaveAttribute('aria-pressed', 'false');
  await expect(minimap).toHaveCount(0);
  await minimapToggle.click();
  await expect(minimap).toBeVisible();

  // The palette opens and folds; "/" opens it at its search.
  await paletteToggle.click();
  await expect(paletteToggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('region', { name: 'Node palette' })).toBeVisible();
  await paletteToggle.click();
  await expect(page.getByRole('region', { name: 'Node palette' })).toHaveCount(0);
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search node types' })).toBeFocused();
  await paletteToggle.click();

  // Selecting a node opens the side panel with its settings.
  await canvasNode(page, 'step4_render_still').click({ position: { x: 30, y: 10 } });
  await expect(sideToggle).toHaveAttribute('aria-expanded', 'true');
  const settings = page.getByRole('region', { name: 'Settings of step4_render_still' });
  await expect(settings.getByRole('spinbutton', { name: 'Samples' })).toBeVisible();
  // Panels sit beside the canvas, never over it: palette, canvas and side panel do not overlap.
  await paletteToggle.click();
  const boxes = { palette: await settledBox(page.getByRole('region', { name: 'Node palette' })), canvas: await settledBox(canvas(page)), side: await settledBox(page.getByRole('region', { name: 'Side panel' })) };
  expect(boxes.palette!.x + boxes.palette!.width).toBeLessThanOrEqual(boxes.canvas!.x);
  expect(boxes.canvas!.x + boxes.canvas!.width).toBeLessThanOrEqual(boxes.side!.x);
  await paletteToggle.click();
  await page.screenshot({ path: `${SHOTS}/workflow-editor-selected-1440x900.png` });
  // Folded by the user, it stays folded for the next selection.
  await sideToggle.click();
  await expect(settings).toHaveCount(0);
  await canvasNode(page, 'step2_prepare_scene').click({ position: { x: 30, y: 10 } });
  await expect(sideToggle).toHaveAttribute('aria-expanded', 'false');

  // 1024×700: the canvas is there, a node can be chosen and its settings reached.
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.reload();
  await expect(canvas(page)).toBeVisible();
  expect(await viewportShare(page, canvas(page))).toBeGreaterThanOrEqual(0.4);
  await page.getByRole('toolbar', { name: 'Editor' }).getByRole('button', { name: 'Fit view' }).click();
  await page.screenshot({ path: `${SHOTS}/workflow-editor-1024x700.png` });
  await canvasNode(page, 'step4_render_still').click({ position: { x: 30, y: 10 } });
  await expect(sideToggle).toHaveAttribute('aria-expanded', 'false');
  await sideToggle.click();
  const samples = page.getByRole('region', { name: 'Settings of step4_render_still' }).getByRole('spinbutton', { name: 'Samples' });
  await samples.scrollIntoViewIfNeeded();
  await expect(samples).toBeVisible();
  await samples.fill('12');
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/workflow-editor-selected-1024x700.png` });
});

test('words for people: parameters titled in plain words, grouped by node, folded and searchable; no meaningless limits; the dry run explains itself', async ({ page, host, request }) => {
  test.setTimeout(240_000);
  const { cadFileId } = await prepareRuns(request, host);
  const order = await callApi<{ lines: { id: string }[] }>(request, host, 'orders.create', { name: 'Words', cadFileIds: [cadFileId], outputTypeKeys: ['still_quick_preview'] });
  const lineId = order.lines[0]?.id as string;
  const doc = await getWorkflow(request, host, 'legacy.still_default');
  expect(doc.parameters?.length).toBeGreaterThan(8);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${host.url}#/workflows/legacy.still_default`);
  await page.getByRole('toolbar', { name: 'Editor' }).getByRole('button', { name: 'Parameters', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Parameters' });
  await expect(panel.getByRole('heading', { name: 'Parameters' })).toBeFocused();
  // Many parameters: grouped by the node they fill, folded.
  await expect(panel.getByText('Render still (step4_render_still)')).toBeVisible();
  await expect(panel.getByRole('group', { name: 'Parameter renderer.samples' })).toHaveCount(0);
  await expect(panel).not.toContainText('Preset ');
  // A search opens what matches; the title is in words, the name beside it.
  await panel.getByRole('searchbox', { name: 'Search parameters' }).fill('samples');
  const samples = panel.getByRole('group', { name: 'Parameter renderer.samples' });
  await expect(samples).toBeVisible();
  await expect(samples.getByRole('textbox', { name: 'Title' })).toHaveValue('Samples');
  await expect(panel.getByRole('group', { name: 'Parameter resolution.width' })).toHaveCount(0);
  await panel.getByRole('searchbox', { name: 'Search parameters' }).fill('resolution width');
  await expect(panel.getByRole('group', { name: 'Parameter resolution.width' }).getByRole('textbox', { name: 'Title' })).toHaveValue('Resolution width');
  await page.screenshot({ path: `${SHOTS}/workflow-editor-parameters-1440x900.png` });

  // A node's settings show no limit that says nothing.
  await canvasNode(page, 'step2_prepare_scene').click({ position: { x: 30, y: 10 } });
  await expect(page.getByRole('region', { name: 'Settings of step2_prepare_scene' })).toContainText('Framing margin');
  await expect(page.getByRole('region', { name: 'Settings of step2_prepare_scene' })).not.toContainText('9007199254740991');

  // The dry run says in words what reuse, renders and publishing mean.
  const runPanel = page.getByRole('region', { name: 'Dry run and dispatch' });
  await runPanel.getByRole('combobox', { name: 'Order line' }).selectOption(lineId);
  await runPanel.getByRole('button', { name: 'Dry run' }).click();
  const plan = page.getByRole('region', { name: 'Dry run plan' });
  const planRow = (id: string) => plan.getByRole('row').filter({ has: page.getByRole('rowheader', { name: id, exact: true }) });
  await expect(planRow('step2_prepare_scene')).toContainText('runs');
  await expect(planRow('step4_render_still')).toContainText('1 render on the farm');
  await expect(planRow('step5_save_output')).toContainText('Would publish to the media library.');
  await expect(planRow('step6_notify')).toContainText('Would notify.');
  await expect(planRow('step6_notify')).not.toContainText('Would publish');
  const legend = plan.getByRole('definition');
  await expect(legend.nth(0)).toContainText('runs: no earlier run made this output from the same inputs and settings.');
  await expect(legend.nth(0)).toContainText('reused: an earlier run did');
  await expect(legend.nth(1)).toContainText('Blender jobs the node queues on the render farm');
  await expect(legend.nth(2)).toContainText('it records what it would publish and send, and publishes and notifies nothing.');
  await plan.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/workflow-editor-dry-run-1440x900.png` });

  // The output type form shows a parameter's limits only when they say something.
  await page.goto(`${host.url}#/output-types`);
  await page.getByRole('button', { name: 'New output type' }).click();
  const form = page.getByRole('form', { name: 'New output type' });
  await form.getByLabel('Workflow').selectOption('legacy.still_default');
  const params = form.getByRole('group', { name: /^Parameters of / });
  // Each parameter says its default (the output types form's words).
  await expect(params.getByText(/^Default: /).first()).toBeVisible();
  await expect(params).toContainText('from 1 to 4096');
  await expect(params).not.toContainText('9007199254740991');
  await page.screenshot({ path: `${SHOTS}/output-type-form-1440x900.png` });
});
