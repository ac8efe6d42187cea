import { expect, test } from '../fixtures';
import { STEP_FILE, STEP_NAME, asciiStl, callApi, dropFiles, truncatedStep } from '../production-fixtures';

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

  const { cadFiles } = await callApi<{ cadFiles: { name: string; status: string }[] }>(request, host, 'cad.list', {});
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
