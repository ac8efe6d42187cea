import { expect, test } from '../fixtures';
import { STEP_FILE, STEP_NAME, asciiStl, callApi, dropFiles, importLegacyExamples, truncatedStep, uploadCadThroughApi } from '../production-fixtures';

// Ingest tessellates in a worker and renders a thumbnail with Blender.
const INGEST_TIMEOUT = 120_000;

test('a STEP file imported with the file picker becomes ready with its thumbnail and metadata; the same file again is not duplicated', async ({ page, host, request }) => {
  await page.goto(`${host.url}#/cad-library`);
  await expect(page.getByRole('heading', { level: 1, name: 'CAD library' })).toBeVisible();
  await expect(page.getByText('No CAD files yet.')).toBeVisible();

  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import CAD files…' }).click();
  await (await chooser).setFiles(STEP_FILE);

  const uploads = page.getByRole('list', { name: 'Uploads' });
  await expect(uploads.getByRole('listitem').filter({ hasText: STEP_NAME })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: `Upload of ${STEP_NAME}` })).toBeVisible();

  // The row moves on by itself (cad.changed): no reload between upload and ready.
  const table = page.getByRole('table', { name: 'CAD files' });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: STEP_NAME }) });
  await expect(row.getByRole('cell').nth(3)).toHaveText(/Ready|Failed/, { timeout: INGEST_TIMEOUT });
  await expect(row.getByRole('cell').nth(3)).toHaveText('Ready');
  await expect(uploads.getByRole('listitem').filter({ hasText: STEP_NAME })).toContainText('Ready');

  const cells = row.getByRole('cell');
  // Preview, Format, Size, Status, Parts, Triangles, Bounding box, Units, Actions.
  await expect(cells.nth(1)).toHaveText(/STEP/i);
  await expect(cells.nth(4)).toHaveText('18');
  await expect(cells.nth(5)).toHaveText('8,048');
  await expect(cells.nth(6)).toHaveText('200 × 150 × 84 mm');
  await expect(cells.nth(7)).toHaveText('mm');

  const thumbnail = row.getByRole('img', { name: `Thumbnail of ${STEP_NAME}` });
  await expect(thumbnail).toBeVisible({ timeout: INGEST_TIMEOUT });
  await expect(thumbnail).toHaveAttribute('src', /^data:image\//);
  expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  // Selecting the file shows its metadata, part names included.
  await row.getByRole('button', { name: `Details of ${STEP_NAME}` }).click();
  const details = page.getByRole('region', { name: STEP_NAME });
  await expect(details).toBeVisible();
  await expect(details.getByRole('heading', { name: STEP_NAME })).toBeFocused();
  const parts = details.getByRole('table', { name: `Parts of ${STEP_NAME}` });
  await expect(parts.getByRole('row')).toHaveCount(1 + 18);
  for (const name of ['nut', 'rod', 'bolt', 'l-bracket', 'plate']) await expect(parts.getByRole('cell', { name, exact: true }).first()).toBeVisible();
  await expect(details.getByRole('img', { name: `Thumbnail of ${STEP_NAME}` })).toBeVisible();
  await details.getByRole('button', { name: `Close details of ${STEP_NAME}` }).click();
  await expect(details).toHaveCount(0);
  await expect(row.getByRole('button', { name: `Details of ${STEP_NAME}` })).toBeFocused();

  // The same bytes again: deduplicated by content, said so, no second row.
  await page.getByLabel('CAD files to import').setInputFiles(STEP_FILE);
  await expect(uploads.getByRole('listitem').filter({ hasText: 'already in the library' })).toBeVisible({ timeout: INGEST_TIMEOUT });
  await expect(table.getByRole('rowheader', { name: STEP_NAME })).toHaveCount(1);

  const { items: cadFiles } = await callApi<{ items: { name: string; status: string }[] }>(request, host, 'cad.list', {});
  expect(cadFiles).toEqual([expect.objectContaining({ name: STEP_NAME, status: 'ready' })]);

  // Kept by the backend: still there after a reload.
  await page.reload();
  await expect(page.getByRole('table', { name: 'CAD files' }).getByRole('rowheader', { name: STEP_NAME })).toBeVisible();
});

test('files dropped on the drop zone upload in chunks; a truncated STEP shows the reason the backend gives', async ({ page, host }) => {
  await page.goto(`${host.url}#/cad-library`);
  await expect(page.getByText('No CAD files yet.')).toBeVisible();

  // ~1.4 MB: three 512 KiB chunks. The triangle count proves every byte arrived in order.
  const stl = asciiStl(6000);
  expect(stl.length).toBeGreaterThan(2 * 512 * 1024);
  await dropFiles(page.getByRole('group', { name: 'Drop zone for CAD files' }), [
    { name: 'strip.stl', mimeType: 'model/stl', buffer: stl },
    { name: 'half.stp', mimeType: 'application/step', buffer: truncatedStep() },
  ]);

  const uploads = page.getByRole('list', { name: 'Uploads' });
  await expect(uploads.getByRole('listitem')).toHaveCount(2);

  const broken = uploads.getByRole('listitem').filter({ hasText: 'half.stp' });
  await expect(broken).toContainText(/STEP file is truncated/, { timeout: INGEST_TIMEOUT });

  const table = page.getByRole('table', { name: 'CAD files' });
  const stlRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'strip.stl' }) });
  await expect(stlRow.getByRole('cell').nth(3)).toHaveText(/Ready|Failed/, { timeout: INGEST_TIMEOUT });
  await expect(stlRow.getByRole('cell').nth(3)).toHaveText('Ready');
  await expect(stlRow.getByRole('cell').nth(5)).toHaveText('6,000');
  await expect(uploads.getByRole('listitem').filter({ hasText: 'strip.stl' })).toContainText('Ready');

  // When the backend keeps the failed file in the library, its row says why as well.
  const brokenRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'half.stp' }) });
  if ((await brokenRow.count()) > 0) {
    await expect(brokenRow).toContainText('Failed');
    await expect(brokenRow).toContainText(/STEP file is truncated/);
  }
});

test('a broken CAD file shows as failed with its error; Retry runs the ingest again and fails again; Delete removes it, unless order lines use it', async ({ page, host, request }) => {
  await page.goto(`${host.url}#/cad-library`);
  await expect(page.getByText('No CAD files yet.')).toBeVisible();
  await page.getByLabel('CAD files to import').setInputFiles({ name: 'half.stp', mimeType: 'application/step', buffer: truncatedStep() });

  const table = page.getByRole('table', { name: 'CAD files' });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'half.stp' }) });
  const status = row.getByRole('cell').nth(3);
  await expect(status).toHaveText(/^Failed/, { timeout: INGEST_TIMEOUT });
  await expect(status).toContainText(/STEP file is truncated/);
  const [before] = (await callApi<{ items: { id: string; updatedAt: string }[] }>(request, host, 'cad.list', {})).items;

  // Retry: the ingest runs again on the stored original (the row is updated by the backend) and fails again, saying why.
  await row.getByRole('button', { name: 'Retry half.stp' }).click();
  await expect.poll(async () => (await callApi<{ updatedAt: string; status: string }>(request, host, 'cad.get', { id: before!.id })).updatedAt > before!.updatedAt, { timeout: INGEST_TIMEOUT }).toBe(true);
  await expect(status).toHaveText(/^Failed/, { timeout: INGEST_TIMEOUT });
  await expect(status).toContainText(/STEP file is truncated/);
  const runs = await callApi<{ items: { cadFileId: string | null }[] }>(request, host, 'runs.list', {});
  expect(runs.items.filter((r) => r.cadFileId === before!.id)).toHaveLength(2);

  // Used by an order line: Delete is refused and says which line.
  await importLegacyExamples(request, host, ['preset.still_quick_preview.json', 'pipeline.still_selfpublish.json']);
  const order = await callApi<{ id: string; lines: { id: string }[] }>(request, host, 'orders.create', { name: 'Holds it', cadFileIds: [before!.id], outputTypeKeys: ['still_quick_preview'] });
  await row.getByRole('button', { name: 'Delete half.stp' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete half.stp?' });
  await dialog.getByRole('button', { name: 'Delete the file' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByRole('alert')).toContainText(`Not deleted: half.stp is used by 1 order line: ${order.lines[0]!.id} (line 1 of order ${order.id})`);
  await expect(table.getByRole('rowheader', { name: 'half.stp' })).toHaveCount(1);

  // A file no order line uses is deleted for real.
  await page.getByLabel('CAD files to import').setInputFiles({ name: 'other-half.stp', mimeType: 'application/step', buffer: truncatedStep().subarray(0, 4000) });
  const other = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'other-half.stp' }) });
  await expect(other.getByRole('cell').nth(3)).toHaveText(/^Failed/, { timeout: INGEST_TIMEOUT });
  await other.getByRole('button', { name: 'Delete other-half.stp' }).click();
  await page.getByRole('dialog', { name: 'Delete other-half.stp?' }).getByRole('button', { name: 'Delete the file' }).click();
  await expect(table.getByRole('rowheader', { name: 'other-half.stp' })).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: 'other-half.stp deleted' })).toBeVisible();
  const { items: cadFiles } = await callApi<{ items: { name: string }[] }>(request, host, 'cad.list', {});
  expect(cadFiles.map((f) => f.name)).toEqual(['half.stp']);
  await page.reload();
  await expect(page.getByRole('table', { name: 'CAD files' }).getByRole('rowheader', { name: 'other-half.stp' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'CAD files' }).getByRole('rowheader', { name: 'half.stp' })).toBeVisible();
});

test('the same broken file uploaded through the contract can be deleted from the page, its stored files gone', async ({ page, host, request }) => {
  const broken = await uploadCadThroughApi(request, host, 'cut.stp', truncatedStep());
  expect(broken.status).toBe('failed');
  await page.goto(`${host.url}#/cad-library`);
  const row = page.getByRole('table', { name: 'CAD files' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'cut.stp' }) });
  await row.getByRole('button', { name: 'Delete cut.stp' }).click();
  await page.getByRole('dialog', { name: 'Delete cut.stp?' }).getByRole('button', { name: 'Delete the file' }).click();
  await expect(page.getByText('No CAD files yet.')).toBeVisible();
  const missing = await request.post(`${host.origin}/api/cad.get`, { headers: { Authorization: `Bearer ${host.token}` }, data: { id: broken.id } });
  expect(missing.status()).toBe(404);
});
