import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { callApi, importLegacyExamples, uploadCadThroughApi } from '../production-fixtures';

/**
 * Long lists load a page, draw only the rows in view, and read the next page on scroll: the
 * orders (and an order of hundreds of lines) and the CAD library, on a history made through the
 * contract. The CAD files are unreadable on purpose: their ingest fails at once, nothing renders.
 */
const CAD_FILES = 56;
const SMALL_ORDERS = 55;

/** Scrolls a scroll box to its end, again and again, until `done` holds. */
async function scrollUntil(page: Page, box: Locator, done: () => Promise<boolean>) {
  await expect
    .poll(
      async () => {
        await box.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        return done();
      },
      { timeout: 30_000, intervals: [100, 200, 400] },
    )
    .toBe(true);
}

/** Rows of a table drawn in the page (the virtualizer's spacer rows are hidden). */
const drawnRows = (table: Locator) => table.locator('tbody tr[aria-rowindex]');

test('orders, an order of hundreds of lines and the CAD library read a page at a time and draw only the rows in view', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  await importLegacyExamples(request, host, ['preset.still_quick_preview.json', 'preset.still_white_2k.json', 'pipeline.still_selfpublish.json', 'pipeline.still_default.json']);
  const { outputTypes } = await callApi<{ outputTypes: { key: string }[] }>(request, host, 'outputTypes.list', {});
  const keys = outputTypes.map((t) => t.key).slice(0, 2);
  expect(keys).toHaveLength(2);
  const cadIds: string[] = [];
  for (let i = 0; i < CAD_FILES; i++) {
    const cad = await uploadCadThroughApi(request, host, `part-${String(i).padStart(4, '0')}.stp`, Buffer.from(`not a STEP file ${i}\n`));
    cadIds.push(cad.id);
  }
  for (let i = 0; i < SMALL_ORDERS; i++) await callApi(request, host, 'orders.create', { name: `Small order ${i}`, cadFileIds: [cadIds[i % CAD_FILES]], outputTypeKeys: [keys[0]] });
  // Newest: at the top of the page. 56 files × 2 output types × 6 copies.
  const big = await callApi<{ id: string; lines: unknown[] }>(request, host, 'orders.create', { name: 'Big order', cadFileIds: cadIds, outputTypeKeys: keys, copies: 6 });
  const bigLines = big.lines.length;
  expect(bigLines).toBe(CAD_FILES * 2 * 6);

  await page.goto(`${host.url}#/orders`);
  const bigSection = page.getByRole('region', { name: 'Big order' });
  const lines = bigSection.getByRole('table', { name: 'Lines of Big order' });
  // The whole order is counted, its first page of lines read, and only the rows in view drawn.
  await expect(lines).toHaveAttribute('aria-rowcount', String(bigLines + 1));
  await expect(lines.getByRole('rowheader', { name: '1', exact: true })).toBeVisible();
  await expect(bigSection).toContainText(`${bigLines} lines: ${bigLines} queued`);
  expect(await drawnRows(lines).count()).toBeLessThan(40);
  const box = lines.locator('xpath=..');
  // Scrolling the lines reads the next pages, up to the last line; the first rows are no longer drawn.
  await scrollUntil(page, box, async () => (await lines.getByRole('rowheader', { name: String(bigLines), exact: true }).count()) === 1);
  await expect(lines.getByRole('rowheader', { name: '1', exact: true })).toHaveCount(0);
  expect(await drawnRows(lines).count()).toBeLessThan(40);

  // The orders themselves: a first page, the older ones when the end of the list comes into view.
  const sections = page.getByRole('region', { name: /^(Small|Big) order/ });
  await expect(sections).toHaveCount(50);
  await scrollUntil(page, page.locator('.page'), async () => (await sections.count()) === SMALL_ORDERS + 1);
  await expect(page.getByRole('region', { name: 'Small order 0', exact: true })).toBeVisible();

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'CAD library' }).click();
  const cadTable = page.getByRole('table', { name: 'CAD files' });
  await expect(page.getByText(`${CAD_FILES} files: 0 ready, 0 ingesting, ${CAD_FILES} failed.`)).toBeVisible();
  await expect(cadTable).toHaveAttribute('aria-rowcount', String(CAD_FILES + 1));
  expect(await drawnRows(cadTable).count()).toBeLessThan(40);
  await scrollUntil(page, cadTable.locator('xpath=..'), async () => (await cadTable.getByRole('rowheader', { name: 'part-0000.stp' }).count()) === 1);
  await expect(cadTable.getByRole('rowheader', { name: `part-${String(CAD_FILES - 1).padStart(4, '0')}.stp` })).toHaveCount(0);
});
