import { expect, test } from '../fixtures';
import { screenshotSizes, seriousAxeViolations } from '../axe';
import { uploadCadThroughApi } from '../production-fixtures';

/**
 * The CAD library's search (cad.list `q`: file name or id), kept in the address: 62 files (more
 * than a page), three "gizmo" ones among them, the oldest beyond the first page. The files are
 * unreadable on purpose: their ingest fails at once and they are still listed.
 */
const FILES = 62;
const GIZMO_AT = new Set([0, 25, 50]);



test('the CAD library search lists only the files whose name or id matches, keeps the text in the address, says when nothing matches, and a new file only joins when it matches', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  let gizmo = 0;
  let oldestGizmoId = '';
  for (let i = 0; i < FILES; i++) {
    const name = GIZMO_AT.has(i) ? `gizmo-${++gizmo}.stp` : `part-${String(i).padStart(4, '0')}.stp`;
    const cad = await uploadCadThroughApi(request, host, name, Buffer.from(`not a STEP file ${i}\n`));
    if (i === 0) oldestGizmoId = cad.id;
  }

  await page.goto(`${host.url}#/cad-library`);
  const table = page.getByRole('table', { name: 'CAD files' });
  const row = (name: string) => table.getByRole('rowheader', { name, exact: true });
  await expect(page.getByText(`${FILES} files: 0 ready, 0 ingesting, ${FILES} failed.`)).toBeVisible();
  await expect(table).toHaveAttribute('aria-rowcount', String(FILES + 1));

  const search = page.getByRole('search', { name: 'Search CAD files' }).getByRole('searchbox', { name: 'Search' });
  await expect(search).toHaveAccessibleDescription('file name or id');
  const counted = page.getByRole('status').filter({ hasText: /match/ });

  await search.fill('GIZMO');
  await expect(counted).toHaveText('3 files match “GIZMO”');
  await expect(table).toHaveAttribute('aria-rowcount', '4');
  for (const name of ['gizmo-1.stp', 'gizmo-2.stp', 'gizmo-3.stp']) await expect(row(name)).toBeVisible();
  await expect(table.getByRole('rowheader', { name: /^part-/ })).toHaveCount(0);
  await expect(page).toHaveURL(/[?&]q=GIZMO/);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshotSizes(page, 'cad-search');
  // The summary is the whole library's, and says so.
  await expect(page.getByText(`The whole library: ${FILES} files: 0 ready, 0 ingesting, ${FILES} failed.`)).toBeVisible();

  // A reload keeps the search.
  await page.reload();
  await expect(search).toHaveValue('GIZMO');
  await expect(counted).toHaveText('3 files match “GIZMO”');

  // While searching, a new file (cad.changed events) joins the list only when it matches.
  await uploadCadThroughApi(request, host, 'part-late.stp', Buffer.from('not a STEP file, late\n'));
  await uploadCadThroughApi(request, host, 'gizmo-late.stp', Buffer.from('not a STEP file, gizmo late\n'));
  await expect(row('gizmo-late.stp')).toBeVisible();
  await expect(counted).toHaveText('4 files match “GIZMO”');
  await expect(row('part-late.stp')).toHaveCount(0);
  await expect(table.getByRole('rowheader', { name: /^part-/ })).toHaveCount(0);

  // A file's id finds it.
  await search.fill(oldestGizmoId);
  await expect(counted).toHaveText(`1 file matches “${oldestGizmoId}”`);
  await expect(row('gizmo-1.stp')).toBeVisible();

  // Nothing matches: said, with a way back.
  await search.fill('no such file');
  await expect(page.getByText('No CAD file matches “no such file”.')).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await expect(table).toHaveCount(0);
  await expect(page.getByText('No CAD files yet.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect(search).toHaveValue('');
  await expect(page).not.toHaveURL(/[?&]q=/);
  await expect(counted).toHaveCount(0);
  await expect(page.getByText(`${FILES + 2} files: 0 ready, 0 ingesting, ${FILES + 2} failed.`)).toBeVisible();
  await expect(table).toHaveAttribute('aria-rowcount', String(FILES + 3));
  await expect(row('part-late.stp')).toBeVisible();
});
