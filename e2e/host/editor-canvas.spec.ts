import fs from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { migrateLegacyExamples } from '../run-fixtures';
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
