import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures';
import { seriousAxeViolations } from '../axe';
import { callApi, importLegacyExamples } from '../production-fixtures';
import { migrateLegacyExamples, prepareRuns } from '../run-fixtures';
import { createLine, dispatchAndWait } from '../review-fixtures';

const RENDER_TIMEOUT = 150_000;

/** Words of the labels and legends under root that the layout broke across two lines (a label may wrap only between words). */
async function wordsBrokenInLabels(root: Locator): Promise<string[]> {
  return root.evaluate((element) => {
    const broken: string[] = [];
    for (const label of element.querySelectorAll('label, legend')) {
      const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of (node.textContent ?? '').matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(word[0]);
        }
      }
    }
    return broken;
  });
}


test('an output type is created from a workflow with the backend defaults only, previewed, and renders an order line', async ({ page, host, request }) => {
  test.setTimeout(360_000);
  const { cadFileId } = await prepareRuns(request, host);
  await page.goto(`${host.url}#/output-types`);
  await expect(page.getByRole('heading', { level: 1, name: 'Output types' })).toBeVisible();
  // Legacy presets are listed beside profiles, with form and mode.
  const table = page.getByRole('table', { name: 'Output types' });
  const white = table.getByRole('row').filter({ has: page.getByText('still_white_2k', { exact: true }) });
  await expect(white).toContainText(/Legacy preset and profile|Legacy preset/);
  await expect(white).toContainText('legacy');

  await page.getByRole('button', { name: 'New output type' }).click();
  const form = page.getByRole('form', { name: 'New output type' });
  await expect(form.getByRole('heading', { name: 'New output type' })).toBeFocused();
  await form.getByLabel('Workflow').selectOption('legacy.still_default');
  const params = form.getByRole('group', { name: /^Parameters of / });
  // The backend's defaults are shown beside each exposed parameter.
  // Labels are whole words at both window sizes the issue was tried at.
  for (const size of [{ width: 1024, height: 700 }, { width: 1440, height: 900 }]) {
    await page.setViewportSize(size);
    await expect(params.getByLabel('Resolution width', { exact: true })).toBeVisible();
    expect(await wordsBrokenInLabels(form), `at ${size.width}×${size.height}`).toEqual([]);
  }
  const samples = params.getByLabel('Samples', { exact: true });
  await expect(samples).toHaveAccessibleDescription(/^Default: \d+ · whole number/);
  // Limits only when they say something.
  await expect(form).not.toContainText('9007199254740991');
  // Many parameters: a search narrows them.
  await params.getByLabel('Find a parameter').fill('samp');
  await expect(samples).toBeVisible();
  await expect(params.getByLabel('Resolution width', { exact: true })).toHaveCount(0);
  await params.getByLabel('Find a parameter').fill('');
  await expect(params.getByLabel('Resolution width', { exact: true })).toBeVisible();
  await form.getByLabel('Name', { exact: true }).fill('E2E still');
  await form.getByLabel('Key (optional)').fill('e2e_still');
  await expect(form.getByRole('status', { name: 'Validation' })).toHaveText('Valid', { timeout: 15_000 });
  await expect(form.getByRole('region', { name: 'Artifact contract' })).toContainText('still');

  // A small preview render with the current values on the chosen CAD file.
  await form.getByRole('button', { name: 'Render preview' }).click();
  await expect(form.getByRole('img', { name: /^Preview render / })).toBeVisible({ timeout: RENDER_TIMEOUT });
  await expect(form.getByText(/Draft preview rendered/)).toBeVisible();

  await form.getByRole('button', { name: 'Create output type' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Created E2E still (e2e_still).' })).toBeVisible();
  const row = table.getByRole('row').filter({ has: page.getByText('e2e_still', { exact: true }) });
  await expect(row).toContainText('Invocation profile');

  // Defaults only: nothing but the name, key and workflow was sent, and the backend filled the profile.
  const got = await callApi<{ profile: { profile: { workflowId: string; parameterValues: Record<string, unknown>; artifact: { kind: string } } } | null }>(request, host, 'outputTypes.get', { key: 'e2e_still' });
  expect(got.profile?.profile.workflowId).toBe('legacy.still_default');
  expect(got.profile?.profile.artifact.kind).toBe('still');

  // It renders: an order line of it, dispatched with a draft.
  const lineId = await createLine(request, host, cadFileId, 'e2e_still');
  const detail = await dispatchAndWait(request, host, lineId);
  expect(detail.line.error).toBeNull();
  expect(detail.line.status).toBe('succeeded');

  // Edit the same way.
  await row.getByRole('button', { name: 'Edit e2e_still' }).click();
  const edit = page.getByRole('form', { name: 'Edit E2E still' });
  await edit.getByLabel('Name', { exact: true }).fill('E2E still, renamed');
  await expect(edit.getByRole('status', { name: 'Validation' })).toHaveText('Valid', { timeout: 15_000 });
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(table.getByRole('rowheader', { name: 'E2E still, renamed' })).toBeVisible();
});

test('a family-mismatched binding (a cad_file workflow) is refused with its reason', async ({ page, host, request }) => {
  await migrateLegacyExamples(request, host);
  const before = await callApi<{ outputTypes: unknown[] }>(request, host, 'outputTypes.list', {});
  await page.goto(`${host.url}#/output-types`);
  await page.getByRole('button', { name: 'New output type' }).click();
  const form = page.getByRole('form', { name: 'New output type' });
  await form.getByLabel('Workflow').selectOption('legacy.cad_ingest_default');
  await form.getByLabel('Name', { exact: true }).fill('Wrong family');
  // Live validation says why, beside the workflow.
  await expect(form.getByLabel('Workflow')).toHaveAttribute('aria-invalid', 'true', { timeout: 15_000 });
  await expect(form.getByText(/cad_file workflow.*can bind only an order_line workflow/).first()).toBeVisible();
  // Saving anyway is refused by the backend, with the reason.
  await form.getByRole('button', { name: 'Create output type' }).click();
  const alert = form.getByRole('alert');
  await expect(alert).toContainText('refused');
  await expect(alert).toContainText(/cad_file workflow/);
  await expect(alert).toBeFocused();
  const after = await callApi<{ outputTypes: unknown[] }>(request, host, 'outputTypes.list', {});
  expect(after.outputTypes).toHaveLength(before.outputTypes.length);
});

test('rollout by workflow: shadow is set, graph is refused with the backend reason, roll back is one click', async ({ page, host, request }) => {
  await migrateLegacyExamples(request, host);
  await page.goto(`${host.url}#/output-types`);
  const table = page.getByRole('table', { name: 'Workflow modes' });
  const row = table.getByRole('row').filter({ hasText: 'legacy.still_default' });
  await expect(row.getByRole('cell').nth(1)).toHaveText('legacy');
  await row.getByRole('button', { name: 'Set legacy.still_default to shadow' }).click();
  await expect(row.getByRole('cell').nth(1)).toHaveText('shadow');
  // Graph and roll back are confirmed in a dialog that says what the next dispatch does; Cancel changes nothing.
  await row.getByRole('button', { name: 'Set legacy.still_default to graph' }).click();
  let dialog = page.getByRole('dialog', { name: 'Enable graph for workflow legacy.still_default?' });
  await expect(dialog).toContainText('renders through the workflow and publishes its result');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByRole('cell').nth(1)).toHaveText('shadow');
  await row.getByRole('button', { name: 'Set legacy.still_default to graph' }).click();
  await dialog.getByRole('button', { name: 'Enable graph' }).click();
  await expect(page.getByRole('alert')).toContainText(/graph cannot be enabled on workflow legacy\.still_default/);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await expect(row.getByRole('cell').nth(1)).toHaveText('shadow');
  await row.getByRole('button', { name: 'Set legacy.still_default to legacy' }).click();
  dialog = page.getByRole('dialog', { name: 'Roll workflow legacy.still_default back to legacy?' });
  await dialog.getByRole('button', { name: 'Roll back to legacy' }).click();
  await expect(row.getByRole('cell').nth(1)).toHaveText('legacy');
  await expect(page.getByRole('table', { name: 'Workflow mode changes' }).getByRole('row')).toHaveCount(3);
});

test('a revision is tried in shadow from the rollout page: the output type pins it, runs in shadow, the gate and the log name it', async ({ page, host, request }) => {
  await migrateLegacyExamples(request, host);
  const document = await callApi<{ id: string; nodes: { type: string; settings: Record<string, unknown> }[] }>(request, host, 'workflows.get', { id: 'legacy.still_default' });
  const saved = await callApi<{ document: { revision: number } }>(request, host, 'workflows.save', { document, note: 'edited' });
  expect(saved.document.revision).toBe(2);
  await page.goto(`${host.url}#/output-types/still_white_2k/rollout`);
  const section = page.getByRole('region', { name: 'Try a revision in shadow' });
  await expect(section.getByRole('combobox', { name: 'Revision to try' }).getByRole('option', { selected: true })).toHaveText('Revision 2: edited');
  await section.getByRole('button', { name: 'Try revision 2 in shadow' }).click();
  await expect(section.getByRole('status')).toHaveText('still_white_2k now runs legacy.still_default revision 2 in shadow; graph: not yet, it has no shadow comparison yet.');
  await expect(page.getByRole('region', { name: 'Mode', exact: true })).toContainText('legacy.still_default revision 2');
  await expect(page.getByTestId('effective-mode')).toHaveText('shadow');
  await expect(page.getByRole('table', { name: 'Mode changes' })).toContainText('try legacy.still_default revision 2 in shadow (was revision 1)');
});

test('"Migrate" says what it will do, converts a legacy output type and shows its settings before and after in words', async ({ page, host, request }) => {
  await importLegacyExamples(request, host, ['preset.still_quick_preview.json', 'pipeline.still_selfpublish.json']);
  await page.goto(`${host.url}#/output-types`);
  const table = page.getByRole('table', { name: 'Output types' });
  const row = table.getByRole('row').filter({ has: page.getByText('still_quick_preview', { exact: true }) });
  await expect(row).toContainText('Legacy preset');
  await row.getByRole('button', { name: 'Migrate still_quick_preview' }).click();
  const panel = page.getByRole('region', { name: 'Migrate still_quick_preview' });
  // Not migrated yet: what will happen, from a dry run (nothing stored), and the preset's own settings.
  const plan = panel.getByRole('status', { name: 'Not migrated yet' });
  await expect(plan).toContainText('bind workflow legacy.still_selfpublish revision 1, made from the legacy pipeline still_selfpublish');
  await expect(plan).toContainText('A dry run found the migration lossless.');
  expect(await seriousAxeViolations(page)).toEqual([]);
  const presetOnly = panel.getByRole('table', { name: 'Settings of the legacy preset' });
  await expect(presetOnly.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Renderer samples' }) })).toContainText('8');
  const before = await callApi<{ profile: unknown }>(request, host, 'outputTypes.get', { key: 'still_quick_preview' });
  expect(before.profile).toBeNull();

  await panel.getByRole('button', { name: 'Migrate still_quick_preview now' }).click();
  await expect(panel.getByRole('status').filter({ hasText: /Migrated still_quick_preview: verified/ })).toBeVisible({ timeout: 30_000 });
  // Before and after side by side, titled in words, no raw JSON.
  const both = panel.getByRole('table', { name: 'Settings before and after' });
  const samples = both.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Samples', exact: true }) });
  await expect(samples.getByRole('cell')).toHaveText(['8', '8']);
  await expect(both.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Image format', exact: true }) }).getByRole('cell')).toHaveText(['jpeg', 'jpeg']);
  // Only what either side sets: the rest is counted, not listed.
  await expect(both.getByRole('rowheader', { name: 'Turntable rotation (°)' })).toHaveCount(0);
  await expect(both).not.toContainText('"');
  await expect(panel).toContainText(/The other \d+ parameters of the workflow keep their defaults\./);
  await expect(row).toContainText('Legacy preset and profile');
});

test('"Migrate" on an already migrated output type says so and shows the preset beside the workflow parameters', async ({ page, host, request }) => {
  await migrateLegacyExamples(request, host);
  await page.goto(`${host.url}#/output-types`);
  const table = page.getByRole('table', { name: 'Output types' });
  const row = table.getByRole('row').filter({ has: page.getByText('still_top_exr', { exact: true }) });
  await expect(row).toContainText('Legacy preset and profile');
  await row.getByRole('button', { name: 'Migrate still_top_exr' }).click();
  const panel = page.getByRole('region', { name: 'Migrate still_top_exr' });
  await expect(panel.getByRole('heading', { name: 'Migrate still_top_exr' })).toBeFocused();
  const already = panel.getByRole('status', { name: 'Already migrated' });
  await expect(already).toContainText(/still_top_exr already runs workflow legacy\.\S+ revision \d+/);
  await expect(panel.getByText('Not migrated yet')).toHaveCount(0);
  await expect(panel.getByRole('button', { name: /now$/ })).toHaveCount(0);
  const both = panel.getByRole('table', { name: 'Settings before and after' });
  const got = await callApi<{ legacy: { renderer: { samples: number }; output: { format: string } } }>(request, host, 'outputTypes.get', { key: 'still_top_exr' });
  await expect(both.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Samples', exact: true }) }).getByRole('cell').first()).toHaveText(String(got.legacy.renderer.samples));
  await expect(both.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Image format', exact: true }) }).getByRole('cell').nth(1)).toHaveText(got.legacy.output.format);
  await expect(both.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'File name', exact: true }) }).getByRole('cell')).toHaveText(['{cad}_top', '{cad}_top']);
  await expect(both).not.toContainText('"');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await panel.getByRole('button', { name: 'Close' }).click();
  await expect(panel).toHaveCount(0);
});
