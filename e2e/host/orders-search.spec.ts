import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { screenshotSizes, seriousAxeViolations } from '../axe';
import { STEP_FILE, STEP_NAME, callApi, importCadThroughApi, importLegacyExamples } from '../production-fixtures';

/**
 * The Orders page's search (orders.list `q`: order name or id), kept in the address: a history of
 * 64 orders (more than a page) with three "Quasar" orders among them, one older than the first page.
 */
const ROUTINE = 61;
const QUASAR_AT = new Set([0, 20, 45]);

/** The order sections on the page (each a region named by its order). */
const sections = (page: Page, name: RegExp) => page.getByRole('region', { name });



test('the orders search lists only the orders whose name or id matches, keeps the text in the address, says when nothing matches, and a new order only joins when it matches', async ({ page, host, request }) => {
  test.setTimeout(300_000);
  await importLegacyExamples(request, host, ['preset.still_quick_preview.json', 'pipeline.still_selfpublish.json']);
  const { outputTypes } = await callApi<{ outputTypes: { key: string; name: string }[] }>(request, host, 'outputTypes.list', {});
  const outputType = outputTypes.find((t) => t.key === 'still_quick_preview');
  expect(outputType).toBeTruthy();
  // A ready file, so the page's own form can create orders too.
  const cad = await importCadThroughApi(request, host, STEP_FILE);
  let quasar = 0;
  let oldestQuasarId = '';
  for (let i = 0; i < ROUTINE + QUASAR_AT.size; i++) {
    const name = QUASAR_AT.has(i) ? `Quasar bracket ${++quasar}` : `Routine order ${i}`;
    const order = await callApi<{ id: string }>(request, host, 'orders.create', { name, cadFileIds: [cad.id], outputTypeKeys: [outputType!.key] });
    if (i === 0) oldestQuasarId = order.id;
  }

  await page.goto(`${host.url}#/orders`);
  const all = sections(page, /^(Routine order|Quasar bracket) \d+$/);
  // The first page: the oldest Quasar order is not read yet.
  await expect(all).toHaveCount(50);
  await expect(sections(page, /^Quasar bracket 1$/)).toHaveCount(0);

  const searchForm = page.getByRole('search', { name: 'Search orders' });
  const search = searchForm.getByRole('searchbox', { name: 'Search' });
  await expect(search).toHaveAccessibleDescription('order name or id');
  const counted = page.getByRole('status').filter({ hasText: /match/ });

  await search.fill('quasar');
  await expect(counted).toHaveText('3 orders match “quasar”');
  await expect(sections(page, /^Quasar bracket [123]$/)).toHaveCount(3);
  await expect(sections(page, /^Routine order/)).toHaveCount(0);
  await expect(page).toHaveURL(/[?&]q=quasar/);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshotSizes(page, 'orders-search');
  // The counts of the dispatch button are over every order, and it says so.
  await expect(page.getByRole('button', { name: `Dispatch all queued of every order (${ROUTINE + QUASAR_AT.size})` })).toBeVisible();

  // A reload keeps the search.
  await page.reload();
  await expect(search).toHaveValue('quasar');
  await expect(counted).toHaveText('3 orders match “quasar”');

  // While searching, an order created here joins the list only when it matches.
  const form = page.getByRole('form', { name: 'New order' });
  const create = async (name: string) => {
    await form.getByRole('checkbox', { name: STEP_NAME }).check();
    await form.getByRole('checkbox', { name: outputType!.name, exact: true }).check();
    await form.getByLabel('Order name').fill(name);
    await form.getByRole('button', { name: 'Create order' }).click();
    await expect(form.getByRole('status')).toHaveText(`Created ${name} with 1 line.`);
  };
  await create('Routine order late');
  await create('Quasar bracket late');
  await expect(sections(page, /^Quasar bracket late$/)).toHaveCount(1);
  await expect(counted).toHaveText('4 orders match “quasar”');
  await expect(sections(page, /^Routine order/)).toHaveCount(0);

  // An order id finds its order.
  await search.fill(oldestQuasarId);
  await expect(counted).toHaveText(`1 order matches “${oldestQuasarId}”`);
  await expect(sections(page, /^Quasar bracket 1$/)).toHaveCount(1);

  // Nothing matches: said, with a way back.
  await search.fill('no such order');
  await expect(page.getByText('No order matches “no such order”.')).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await expect(all).toHaveCount(0);
  await expect(page.getByText('No orders yet.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect(search).toHaveValue('');
  await expect(page).not.toHaveURL(/[?&]q=/);
  await expect(counted).toHaveCount(0);
  await expect(sections(page, /^(Routine order|Quasar bracket) (\d+|late)$/)).toHaveCount(50);
  await expect(page.getByRole('button', { name: `Dispatch all queued (${ROUTINE + QUASAR_AT.size + 2})` })).toBeVisible();
});
