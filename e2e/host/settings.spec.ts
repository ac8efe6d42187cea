import { expect, test } from '../fixtures';
import { startHost } from '../host';
import { callApi, importLegacyExamples } from '../production-fixtures';

test('a setting saved in the UI survives a host restart', async ({ page, host, dataDir }) => {
  await page.goto(`${host.url}#/settings`);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  const threads = page.getByLabel('Threads per Blender');
  await expect(threads).not.toHaveValue('');
  const before = Number(await threads.inputValue());
  const wanted = String(before === 3 ? 5 : 3);
  await threads.fill(wanted);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();

  await host.stop();
  const second = await startHost(dataDir);
  try {
    await page.goto(`${second.url}#/settings`);
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(page.getByLabel('Threads per Blender')).toHaveValue(wanted);
  } finally {
    await second.stop();
  }
});

test('an invalid value is explained next to its field and nothing is saved', async ({ page, host, request }) => {
  await page.goto(`${host.url}#/settings`);
  const processes = page.getByLabel('Blender processes at once');
  await expect(processes).not.toHaveValue('');
  const before = await processes.inputValue();

  await processes.fill('0');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  await expect(processes).toHaveAttribute('aria-invalid', 'true');
  // The inline message names the field and is tied to the input.
  await expect(processes).toHaveAccessibleDescription(/^Blender processes at once: /);
  await expect(page.getByText(/^Blender processes at once: /)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toHaveCount(0);

  // The backend still holds the old value.
  const response = await request.post(`${host.origin}/api/settings.get`, {
    headers: { Authorization: `Bearer ${host.token}` },
    data: {},
  });
  expect(response.status()).toBe(200);
  const settings = (await response.json()) as { farm: { concurrency: number } };
  expect(String(settings.farm.concurrency)).toBe(before);
});

test('leaving with unsaved changes asks first', async ({ page, host }) => {
  await page.goto(`${host.url}#/settings`);
  const mode = page.getByLabel('Blender process mode');
  await expect(mode).toBeEnabled();
  await mode.selectOption((await mode.inputValue()) === 'warm' ? 'cold' : 'warm');

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Farm' }).click();
  const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Stay on this page' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Farm' }).click();
  await dialog.getByRole('button', { name: 'Leave without saving' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Farm' })).toBeVisible();
});

test('the CAD ingest workflow is chosen among the saved cad_file workflows, and kept', async ({ page, host, request }) => {
  // The studio's cad_file workflow: the example ingest pipeline, migrated.
  await importLegacyExamples(request, host, ['pipeline.cad_ingest_default.json']);
  await callApi(request, host, 'legacy.migrate', { keys: ['cad_ingest_default'] });
  await page.goto(`${host.url}#/settings`);
  const choice = page.getByRole('combobox', { name: 'CAD ingest workflow' });
  await expect(choice).toHaveValue('');
  await expect(choice.getByRole('option')).toHaveText(['Default (cad_ingest_default)', /\(legacy\.cad_ingest_default\)$/]);
  await choice.selectOption('legacy.cad_ingest_default');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
  expect(await callApi(request, host, 'settings.get', {})).toMatchObject({ cadIngestWorkflowId: 'legacy.cad_ingest_default' });
});
