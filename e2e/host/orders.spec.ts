import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { LEGACY_EXAMPLES_DIR, STEP_FILE, STEP_NAME, callApi, importCadThroughApi, importLegacyExamples, refusedApi, truncatedStep, uploadCadThroughApi } from '../production-fixtures';

const INGEST_TIMEOUT = 120_000;

/** The status cell of the STEP file's row in the CAD library. */
const cadStatus = (page: Page) =>
  page.getByRole('table', { name: 'CAD files' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: STEP_NAME }) }).getByRole('cell').nth(3);
const RENDER_TIMEOUT = 150_000;
/** still_quick_preview: cycles, 8 samples, 320 × 240, JPEG; its pipeline still_selfpublish renders, publishes itself, notifies. */
const PRESET_FILES = ['preset.still_quick_preview.json', 'pipeline.still_selfpublish.json'];

test('an order of a STEP file × a legacy output type is created, dispatched, followed live and inspected', async ({ page, host, request }) => {
  test.setTimeout(360_000);
  const imported = await importLegacyExamples(request, host, PRESET_FILES);
  expect(imported.imported.map((d) => d.key)).toContain('still_quick_preview');
  // An inactive preset is listed but cannot be chosen.
  const quick = JSON.parse(fs.readFileSync(path.join(LEGACY_EXAMPLES_DIR, 'preset.still_quick_preview.json'), 'utf8')) as Record<string, unknown>;
  await callApi(request, host, 'legacy.import', {
    documents: [{ fileName: 'preset.still_retired.json', text: JSON.stringify({ ...quick, key: 'still_retired', name: 'Retired preview', active: false }) }],
  });

  // The CAD file comes in through the library page.
  await page.goto(`${host.url}#/cad-library`);
  await page.getByLabel('CAD files to import').setInputFiles(STEP_FILE);
  await expect(cadStatus(page)).toHaveText(/Ready|Failed/, { timeout: INGEST_TIMEOUT });
  await expect(cadStatus(page)).toHaveText('Ready');

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  await expect(page.getByText('No orders yet.')).toBeVisible();

  const form = page.getByRole('form', { name: 'New order' });
  // Nothing chosen: said next to the choices, nothing created.
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(form.getByText('Choose at least one ready CAD file.')).toBeVisible();
  await expect(form.getByText('Choose at least one active output type.')).toBeVisible();
  await expect(form.getByRole('checkbox', { name: STEP_NAME })).toBeFocused();

  await form.getByRole('checkbox', { name: STEP_NAME }).check();
  const retired = form.getByRole('checkbox', { name: 'Retired preview' });
  await expect(retired).toBeDisabled();
  await expect(retired).toHaveAccessibleDescription(/inactive/);
  const outputType = form.getByRole('checkbox', { name: 'Quick preview' });
  await expect(outputType).toBeEnabled();
  await expect(outputType).toHaveAccessibleDescription(/still_quick_preview, still image, legacy mode/);
  await outputType.check();
  await form.getByLabel('Order name').fill('E2E order');
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(form.getByRole('status')).toHaveText('Created E2E order with 1 line.');

  const order = page.getByRole('region', { name: 'E2E order' });
  const lines = order.getByRole('table', { name: 'Lines of E2E order' });
  const row = lines.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '1', exact: true }) });
  await expect(row).toContainText(STEP_NAME);
  await expect(row).toContainText('Quick preview');
  await expect(row).toContainText('Queued');
  await expect(row.getByRole('progressbar', { name: 'Progress of line 1 of E2E order' })).toBeVisible();

  // Dispatch answers at once; the line then moves on by orders.progress events alone.
  await row.getByRole('button', { name: 'Dispatch line 1 of E2E order' }).click();
  await expect(row.getByRole('button', { name: 'Dispatch line 1 of E2E order' })).toHaveCount(0);
  await expect(row).toContainText('Succeeded', { timeout: RENDER_TIMEOUT });
  const cells = row.getByRole('cell');
  // CAD file, Output type, Status, Mode, Attempts, Progress, Actions.
  await expect(cells.nth(3)).toHaveText('legacy');
  await expect(cells.nth(4)).toHaveText('1');
  await expect(row.getByRole('progressbar', { name: 'Progress of line 1 of E2E order' })).toHaveAttribute('value', '1');
  await expect(row.getByRole('button', { name: /^Cancel/ })).toHaveCount(0);

  // The desktop notification arrived while the page was open.
  await expect(page.getByRole('log', { name: 'Desktop notifications' }).getByRole('listitem')).toHaveCount(1);

  await row.getByRole('button', { name: 'Details of line 1 of E2E order' }).click();
  const detail = page.getByRole('region', { name: 'Details of line 1 of E2E order' });
  await expect(detail.getByRole('heading', { name: 'Details of line 1 of E2E order' })).toBeFocused();

  // The published media: the JPEG itself, at the preset's size.
  const preview = detail.getByRole('img', { name: /^Preview of / });
  await expect(preview).toBeVisible();
  expect((await preview.getAttribute('src'))?.slice(0, 40)).toMatch(/^data:image\/jpeg/);
  expect(await preview.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([320, 240]);
  await detail.getByRole('button', { name: /full size$/ }).click();
  const full = page.getByRole('dialog');
  await expect(full.getByRole('img')).toBeVisible();
  await full.getByRole('button', { name: 'Close' }).click();
  await expect(full).toHaveCount(0);

  // The notification its preset asks for (desktop by default), with its delivery state.
  const notifications = detail.getByRole('table', { name: 'Notifications' });
  await expect(notifications.getByRole('row')).toHaveCount(2);
  await expect(notifications.getByRole('rowheader', { name: 'desktop' })).toBeVisible();
  await expect(notifications.getByRole('row').nth(1)).toContainText(/Delivered|Pending/);

  // The render log with every core field.
  const log = detail.getByRole('region', { name: 'Render log 1' });
  const field = (name: string) => log.locator('dt', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]');
  await expect(field('Engine')).toHaveText('cycles');
  await expect(field('Samples')).toHaveText('8');
  await expect(field('Resolution')).toHaveText('320 × 240');
  await expect(field('Frame range')).toHaveText(/^\d+$/);
  await expect(field('Blender version')).toHaveText(/^\d+\.\d+/);
  await expect(field('Output path')).toHaveText(/\.jpe?g$/);
  await expect(field('Output SHA-256')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(field('Duration')).toHaveText(/\d+(\.\d+)? (ms|s)|min/);
  await expect(field('Status')).toHaveText('Succeeded');
  await expect(field('Exit code')).toHaveText('0');
  await expect(field('Draft')).toHaveText('No');

  // The run, step by step.
  const run = detail.getByRole('region', { name: 'Run, attempt 1' });
  await expect(run.getByRole('heading')).toContainText('legacy mode, authoritative');
  const steps = run.getByRole('table', { name: 'Steps of attempt 1' });
  for (const step of ['render_still', 'notify']) {
    await expect(steps.getByRole('row').filter({ has: page.getByRole('cell', { name: step, exact: true }) })).toContainText('Succeeded');
  }

  // What the page showed is what the backend holds.
  const { items: orders } = await callApi<{ items: { id: string; name: string; lineCount: number }[] }>(request, host, 'orders.list', { q: 'E2E order' });
  const { items: lineItems } = await callApi<{ items: { id: string; status: string }[] }>(request, host, 'orders.lines', { orderId: orders[0]?.id });
  const lineId = lineItems[0]?.id;
  expect(lineId).toBeTruthy();
  const { items: assets } = await callApi<{ items: { sha256: string }[] }>(request, host, 'assets.list', { orderLineId: lineId });
  expect(assets).toHaveLength(1);
  await expect(detail.getByText(assets[0]!.sha256).first()).toBeVisible();
});

test('"Dispatch all queued" renders every queued line of an order', async ({ page, host, request }) => {
  test.setTimeout(360_000);
  await importLegacyExamples(request, host, PRESET_FILES);
  await page.goto(`${host.url}#/cad-library`);
  await page.getByLabel('CAD files to import').setInputFiles(STEP_FILE);
  await expect(cadStatus(page)).toHaveText(/Ready|Failed/, { timeout: INGEST_TIMEOUT });
  await expect(cadStatus(page)).toHaveText('Ready');

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Orders' }).click();
  const form = page.getByRole('form', { name: 'New order' });
  await form.getByRole('checkbox', { name: STEP_NAME }).check();
  await form.getByRole('checkbox', { name: 'Quick preview' }).check();
  await form.getByLabel('Copies').fill('2');
  await form.getByLabel('Order name').fill('Two copies');
  await form.getByLabel('Camera angle').selectOption('front');
  await form.getByLabel('Background', { exact: true }).selectOption('color');
  await form.getByLabel('Background color').fill('#336699');
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(form.getByRole('status')).toHaveText('Created Two copies with 2 lines.');

  const lines = page.getByRole('table', { name: 'Lines of Two copies' });
  await expect(lines.getByRole('row')).toHaveCount(3);
  await page.getByRole('button', { name: 'Dispatch all queued (2)' }).click();
  for (const n of [1, 2]) {
    await expect(lines.getByRole('row').filter({ has: page.getByRole('rowheader', { name: String(n), exact: true }) })).toContainText('Succeeded', { timeout: RENDER_TIMEOUT });
  }
  await expect(page.getByRole('button', { name: 'Dispatch all queued (0)' })).toBeDisabled();

  // The overrides travel with each line.
  await lines.getByRole('button', { name: 'Details of line 2 of Two copies' }).click();
  const detail = page.getByRole('region', { name: 'Details of line 2 of Two copies' });
  await expect(detail).toContainText('background #336699, camera front');
  await expect(detail.getByRole('img', { name: /^Preview of / })).toBeVisible();
});

/** Creates an order in the form: the STEP file × one output type, under a name. */
async function createOrder(page: Page, outputTypeName: string, name: string) {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Orders' }).click();
  const form = page.getByRole('form', { name: 'New order' });
  await form.getByRole('checkbox', { name: STEP_NAME }).check();
  await form.getByRole('checkbox', { name: outputTypeName, exact: true }).check();
  await form.getByLabel('Order name').fill(name);
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(form.getByRole('status')).toHaveText(`Created ${name} with 1 line.`);
  return page.getByRole('table', { name: `Lines of ${name}` }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: '1', exact: true }) });
}

test('Cancel stops a rendering line and its Blender work; the line can be dispatched again', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  // 36 frames at 1280 × 720, 32 samples: long enough to be caught rendering.
  await importLegacyExamples(request, host, ['preset.turntable_36.json']);
  await importCadThroughApi(request, host, STEP_FILE);
  await page.goto(`${host.url}#/cad-library`);
  const row = await createOrder(page, 'Turntable 36 frames', 'Long turntable');

  await row.getByRole('button', { name: 'Dispatch line 1 of Long turntable' }).click();
  const cancel = row.getByRole('button', { name: 'Cancel line 1 of Long turntable' });
  await expect(cancel).toBeVisible();
  // The progress bar counts Cycles samples over every frame (orders.progress done/total: 36 frames × 32 samples);
  // cancel once Blender is rendering.
  await expect(row.getByRole('cell').nth(5)).toContainText(/render_turntable: [1-9]\d*\/1152/, { timeout: 180_000 });
  await expect(row.getByRole('progressbar', { name: 'Progress of line 1 of Long turntable' })).toHaveAttribute('max', '1152');
  await cancel.click();
  await expect(row.getByRole('cell').nth(2)).toHaveText('Cancelled', { timeout: 60_000 });
  await expect(cancel).toHaveCount(0);
  await expect(row.getByRole('button', { name: 'Dispatch line 1 of Long turntable again' })).toBeVisible();

  // Nothing of the cancelled run is left rendering.
  await expect
    .poll(async () => {
      const status = await callApi<{ tasks: { state: string }[] }>(request, host, 'farm.status', {});
      return status.tasks.filter((t) => ['queued', 'running', 'retrying'].includes(t.state)).length;
    })
    .toBe(0);
  const { items: assets } = await callApi<{ items: unknown[] }>(request, host, 'assets.list', {});
  expect(assets).toEqual([]);

  await row.getByRole('button', { name: 'Details of line 1 of Long turntable' }).click();
  const run = page.getByRole('region', { name: 'Details of line 1 of Long turntable' }).getByRole('region', { name: 'Run, attempt 1' });
  await expect(run.getByRole('heading')).toContainText('Cancelled');
});

test('a turntable line shows its published video, playable in the page', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  // 24 frames, VP9 in WebM; dispatched as a draft (64 px, 1 sample) to stay quick.
  await importLegacyExamples(request, host, ['preset.turntable_half_keepframes.json']);
  await importCadThroughApi(request, host, STEP_FILE);
  await page.goto(`${host.url}#/cad-library`);
  const row = await createOrder(page, 'Half turn, frames kept', 'Video order');

  const { items: orders } = await callApi<{ items: { id: string; name: string }[] }>(request, host, 'orders.list', { q: 'Video order' });
  const lineId = (await callApi<{ items: { id: string }[] }>(request, host, 'orders.lines', { orderId: orders[0]!.id })).items[0]!.id;
  await callApi(request, host, 'orders.dispatch', { orderLineId: lineId, draft: { maxSize: 64, samples: 1 } });
  // The page follows a dispatch it did not start, by events alone.
  await expect(row.getByRole('cell').nth(2)).toHaveText(/Succeeded|Failed/, { timeout: RENDER_TIMEOUT });
  await expect(row.getByRole('cell').nth(2)).toHaveText('Succeeded');

  await row.getByRole('button', { name: 'Details of line 1 of Video order' }).click();
  const detail = page.getByRole('region', { name: 'Details of line 1 of Video order' });
  const video = detail.locator('video');
  await expect(video).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([64, 64]);
  const log = detail.getByRole('region', { name: 'Render log 1' });
  await expect(log.locator('dt', { hasText: /^Draft$/ }).locator('xpath=following-sibling::dd[1]')).toHaveText('Yes (max size 64 px, 1 samples)');
  await expect(log.locator('dt', { hasText: /^Frame range$/ }).locator('xpath=following-sibling::dd[1]')).toHaveText(/^\d+–\d+$/);
});

test('with no orders the page sends to Workflows → Import legacy presets', async ({ page, host }) => {
  await page.goto(`${host.url}#/orders`);
  await expect(page.getByText('No orders yet.')).toBeVisible();
  await expect(page.getByText(/lightbox legacy import/)).toHaveCount(0);
  const links = page.getByRole('link', { name: 'Workflows → Import legacy presets' });
  // One in the empty state, one where the form lists output types (there are none yet).
  await expect(links).toHaveCount(2);
  await links.last().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Workflows' })).toBeVisible();
  await expect(page.getByText('Import legacy presets', { exact: true })).toBeVisible();
});

test('a queued line is cancelled for good and never dispatched; an archived order is hidden until "Show archived", its lines not dispatched until unarchived', async ({ page, host, request }) => {
  await importLegacyExamples(request, host, PRESET_FILES);
  // Nothing here renders: a CAD file that failed its ingest is enough to hold order lines.
  const cad = await uploadCadThroughApi(request, host, 'half.stp', truncatedStep());
  const order = await callApi<{ id: string; lines: { id: string }[] }>(request, host, 'orders.create', { name: 'Campaign', cadFileIds: [cad.id], outputTypeKeys: ['still_quick_preview'], copies: 2 });
  await page.goto(`${host.url}#/orders`);

  const region = page.getByRole('region', { name: 'Campaign' });
  const lines = region.getByRole('table', { name: 'Lines of Campaign' });
  const row = (n: number) => lines.getByRole('row').filter({ has: page.getByRole('rowheader', { name: String(n), exact: true }) });
  // The CAD file by its name, never its id.
  await expect(row(1).getByRole('cell').nth(0)).toHaveText('half.stp');
  await expect(page.getByRole('button', { name: 'Dispatch all queued (2)' })).toBeEnabled();

  // Cancel asks first; keeping the line changes nothing.
  await row(1).getByRole('button', { name: 'Cancel line 1 of Campaign' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel line 1 of Campaign?' });
  await expect(dialog).toContainText('half.stp in Quick preview has not been dispatched');
  await dialog.getByRole('button', { name: 'Keep the line' }).click();
  await expect(row(1).getByRole('cell').nth(2)).toHaveText('Queued');
  await row(1).getByRole('button', { name: 'Cancel line 1 of Campaign' }).click();
  await dialog.getByRole('button', { name: 'Cancel the line' }).click();
  await expect(row(1).getByRole('cell').nth(2)).toHaveText('Cancelled');
  await expect(row(1).getByRole('cell').nth(5)).toHaveText('Never dispatched');
  await expect(row(1).getByRole('button', { name: /^Dispatch/ })).toHaveCount(0);
  await expect(row(1).getByRole('button', { name: /^Cancel/ })).toHaveCount(0);
  await expect(row(2).getByRole('button', { name: 'Dispatch line 2 of Campaign' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Dispatch all queued (1)' })).toBeEnabled();

  // The backend holds it: cancelled, with the time, and a dispatch is refused by name.
  const refused = await refusedApi(request, host, 'orders.dispatch', { orderLineId: order.lines[0]!.id });
  expect(refused).toMatchObject({ code: 'line_cancelled', path: 'orderLineId' });
  expect(refused.message).toContain(`order line ${order.lines[0]!.id} was cancelled at`);
  await row(1).getByRole('button', { name: 'Details of line 1 of Campaign' }).click();
  const detail = page.getByRole('region', { name: 'Details of line 1 of Campaign' });
  await expect(detail.locator('dt', { hasText: /^Cancelled$/ }).locator('xpath=following-sibling::dd[1]')).toContainText('before it was dispatched: it is never dispatched');
  await expect(detail).toContainText('Never dispatched.');
  await expect(detail.locator('dt', { hasText: /^CAD file$/ }).locator('xpath=following-sibling::dd[1]')).toHaveText('half.stp');
  await detail.getByRole('button', { name: 'Close details of line 1 of Campaign' }).click();

  // Archive: gone from the list, a toast says where it went.
  await region.getByRole('button', { name: 'Archive Campaign' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Campaign archived' })).toBeVisible();
  await expect(region).toHaveCount(0);
  await expect(page.getByText('No orders yet.')).toBeVisible();
  const archived = await refusedApi(request, host, 'orders.dispatch', { orderLineId: order.lines[1]!.id });
  expect(archived).toMatchObject({ code: 'order_archived', path: 'orderLineId' });
  expect(archived.message).toContain('belongs to order "Campaign", archived at');
  const listed = await callApi<{ items: { id: string; archivedAt: string | null }[] }>(request, host, 'orders.list', { includeArchived: true });
  expect(listed.items.find((o) => o.id === order.id)?.archivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

  // Show archived: listed, marked, nothing to dispatch.
  await page.getByRole('switch', { name: 'Show archived' }).check();
  await expect(region).toBeVisible();
  await expect(region.getByText('Archived', { exact: true })).toBeVisible();
  await expect(region).toContainText('archived');
  await expect(row(2).getByRole('button', { name: /^Dispatch/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Dispatch all queued (0)' })).toBeDisabled();

  // Unarchive: line 2 can be dispatched again; line 1 stays cancelled.
  await region.getByRole('button', { name: 'Unarchive Campaign' }).click();
  await expect(row(2).getByRole('button', { name: 'Dispatch line 2 of Campaign' })).toBeVisible();
  await expect(row(1).getByRole('button', { name: /^Dispatch/ })).toHaveCount(0);
  await page.getByRole('switch', { name: 'Show archived' }).uncheck();
  await expect(region).toBeVisible();
});
