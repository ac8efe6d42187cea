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

  // (0 is allowed: a controller whose render agents do all the rendering.)
  await processes.fill('65');
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

test('the CAD ingest workflow choice shows its whole name at 1024×700', async ({ page, host, request }) => {
  await importLegacyExamples(request, host, ['pipeline.cad_ingest_default.json']);
  await callApi(request, host, 'legacy.migrate', { keys: ['cad_ingest_default'] });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(`${host.url}#/settings`);
  const choice = page.getByRole('combobox', { name: 'CAD ingest workflow' });
  await choice.selectOption('legacy.cad_ingest_default');
  await expect(choice).toHaveValue('legacy.cad_ingest_default');
  // The chosen option's text, measured in the select's own font, fits the room inside it (padding
  // and the arrow excluded): nothing of "Name (legacy.cad_ingest_default)" is cut.
  const fit = await choice.evaluate((el: HTMLSelectElement) => {
    const style = getComputedStyle(el);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = el.options[el.selectedIndex]!.text;
    return { text, needed: context.measureText(text).width, room: el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) };
  });
  expect(fit.text).toMatch(/\(legacy\.cad_ingest_default\)$/);
  expect(fit.needed).toBeLessThanOrEqual(fit.room);
  // And the select itself is inside the window.
  const box = await choice.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
});

test("Blender's environment variables are edited in Settings; a bad name is refused naming the field and the variable", async ({ page, host, request }) => {
  await page.goto(`${host.url}#/settings`);
  const env = page.getByRole('textbox', { name: 'Blender environment variables' });
  await expect(env).toHaveValue('');

  // A line that is not NAME=value is caught before sending.
  await env.fill('OCIO');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(env).toHaveAttribute('aria-invalid', 'true');
  await expect(env).toHaveAccessibleDescription(/^Blender environment variables: line 1 \("OCIO"\) is not NAME=value/);

  // A name the backend refuses: its answer names the field and the variable.
  await env.fill('BAD-NAME=x');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(env).toHaveAttribute('aria-invalid', 'true');
  await expect(env).toHaveAccessibleDescription(/^Blender environment variables: BAD-NAME: .*variable name/);
  expect(await callApi(request, host, 'settings.get', {})).toMatchObject({ blenderEnv: {} });

  await env.fill('OCIO=/studio/ocio/config.ocio\nSTUDIO_LICENCE=srv:5053');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
  await expect(env).not.toHaveAttribute('aria-invalid', 'true');
  expect(await callApi(request, host, 'settings.get', {})).toMatchObject({ blenderEnv: { OCIO: '/studio/ocio/config.ocio', STUDIO_LICENCE: 'srv:5053' } });
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Blender environment variables' })).toHaveValue('OCIO=/studio/ocio/config.ocio\nSTUDIO_LICENCE=srv:5053');
});

test('Appearance: System follows the OS, Light and Dark override it and are remembered', async ({ page, host }) => {
  const scheme = page.locator('html');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${host.url}#/settings`);
  const choice = page.getByRole('radiogroup', { name: 'Colour scheme' });
  // The default is System: the OS's dark wins, and switching the OS switches the app.
  await expect(choice.getByRole('radio', { name: 'System' })).toBeChecked();
  await expect(scheme).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(scheme).toHaveAttribute('data-mantine-color-scheme', 'light');

  await choice.getByText('Dark', { exact: true }).click();
  await expect(choice.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(scheme).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.reload();
  await expect(scheme).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await expect(page.getByRole('radiogroup', { name: 'Colour scheme' }).getByRole('radio', { name: 'Dark' })).toBeChecked();

  await page.getByRole('radiogroup', { name: 'Colour scheme' }).getByText('Light', { exact: true }).click();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(scheme).toHaveAttribute('data-mantine-color-scheme', 'light');

  await page.getByRole('radiogroup', { name: 'Colour scheme' }).getByText('System', { exact: true }).click();
  await expect(scheme).toHaveAttribute('data-mantine-color-scheme', 'dark');
});
