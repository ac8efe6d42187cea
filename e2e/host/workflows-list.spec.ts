import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { LEGACY_EXAMPLES_DIR, callApi } from '../production-fixtures';
import { downloadJsonFrom, getWorkflow, saveWorkflow, stillWorkflow, type WorkflowDoc } from '../workflow-fixtures';
import path from 'node:path';

const table = (page: Page) => page.getByRole('table', { name: 'Workflows' });
const row = (page: Page, name: string) => table(page).getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
/** Duplicate, Export and Delete sit in a row's "More actions" menu. */
const rowMenuItem = async (page: Page, name: string, item: string) => {
  await row(page, name).getByRole('button', { name: `More actions for ${name}` }).click();
  return page.getByRole('menuitem', { name: `${item} ${name}` });
};
const listIds = async (request: Parameters<typeof callApi>[0], host: Parameters<typeof callApi>[1]) =>
  (await callApi<{ workflows: { id: string; name: string }[] }>(request, host, 'workflows.list', {})).workflows;

test('create, rename, duplicate, search and delete (with a confirmation) from the workflows list', async ({ page, host, request }) => {
  await page.goto(`${host.url}#/workflows`);
  await expect(page.getByRole('heading', { level: 1, name: 'Workflows' })).toBeVisible();
  await expect(page.getByText('No workflows yet.')).toBeVisible();

  // Create: a name and a family; the editor opens on the new workflow (revision 1, its input node only).
  await page.getByRole('button', { name: 'New workflow' }).click();
  const create = page.getByRole('dialog', { name: 'New workflow' });
  await create.getByRole('button', { name: 'Create workflow' }).click();
  await expect(create.getByText('Name: enter a name.')).toBeVisible();
  await create.getByLabel('Name').fill('Ingest');
  await create.getByRole('radio', { name: /^CAD file/ }).check();
  await create.getByRole('button', { name: 'Create workflow' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Workflow: Ingest' })).toBeVisible();
  const [created] = await listIds(request, host);
  const doc = await getWorkflow(request, host, created!.id);
  expect(doc).toMatchObject({ family: 'cad_file', revision: 1, executionMode: 'legacy', edges: [] });
  expect(doc.nodes.map((n) => n.type)).toEqual(['input_cad_file']);
  await page.getByRole('link', { name: 'All workflows' }).click();

  await expect(row(page, 'Ingest')).toContainText('cad_file');
  // Rename: saved as a new revision with the new name.
  await row(page, 'Ingest').getByRole('button', { name: 'Rename Ingest' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename Ingest' });
  await rename.getByLabel('New name').fill('CAD ingest');
  await rename.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Renamed Ingest to CAD ingest.' })).toBeVisible();
  await expect(row(page, 'CAD ingest').getByRole('cell').nth(2)).toHaveText('2');
  expect((await getWorkflow(request, host, created!.id)).name).toBe('CAD ingest');

  // Duplicate: a new id, named "… copy", with the same graph.
  await (await rowMenuItem(page, 'CAD ingest', 'Duplicate')).click();
  await expect(page.getByRole('status').filter({ hasText: 'Duplicated CAD ingest as CAD ingest copy.' })).toBeVisible();
  await expect(row(page, 'CAD ingest copy')).toBeVisible();
  const all = await listIds(request, host);
  const copy = all.find((w) => w.name === 'CAD ingest copy')!;
  expect(copy.id).not.toBe(created!.id);
  const copied = await getWorkflow(request, host, copy.id);
  expect(copied.revision).toBe(1);
  expect(copied.nodes).toEqual((await getWorkflow(request, host, created!.id)).nodes);

  // Search narrows the list.
  await page.getByLabel('Search workflows').fill('copy');
  await expect(table(page).getByRole('row')).toHaveCount(2);
  await page.getByLabel('Search workflows').fill('');
  await expect(table(page).getByRole('row')).toHaveCount(3);

  // Delete asks first; Cancel keeps it.
  await (await rowMenuItem(page, 'CAD ingest copy', 'Delete')).click();
  const confirm = page.getByRole('dialog', { name: 'Delete CAD ingest copy?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(row(page, 'CAD ingest copy')).toBeVisible();
  await (await rowMenuItem(page, 'CAD ingest copy', 'Delete')).click();
  await confirm.getByRole('button', { name: 'Delete workflow' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted CAD ingest copy.' })).toBeVisible();
  await expect(row(page, 'CAD ingest copy')).toHaveCount(0);
  expect((await listIds(request, host)).map((w) => w.id)).toEqual([created!.id]);
});

test('revision history shows a readable diff between two revisions, and an old revision is restored as a new one', async ({ page, host, request }) => {
  const first = (await saveWorkflow(request, host, stillWorkflow('history', 'History'))).document;
  const second: WorkflowDoc = structuredClone(first);
  second.executionMode = 'shadow';
  second.nodes = second.nodes.filter((n) => n.id !== 'notify_1').map((n) => (n.id === 'render_still_1' ? { ...n, settings: { renderer: { samples: 16 } } } : n));
  second.edges = second.edges.filter((e) => e.target !== 'notify_1');
  await saveWorkflow(request, host, second);

  await page.goto(`${host.url}#/workflows`);
  await row(page, 'History').getByRole('button', { name: 'History of History' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revisions of History' });
  const revisions = dialog.getByRole('table', { name: 'Revisions of History' });
  await expect(revisions.getByRole('row')).toHaveCount(3);
  await expect(dialog.getByRole('combobox', { name: 'From revision' })).toHaveValue('1');
  await expect(dialog.getByRole('combobox', { name: 'To revision' })).toHaveValue('2');
  const diff = dialog.getByRole('region', { name: 'Changes from revision 1 to revision 2' });
  await expect(diff).toContainText('Execution mode: legacy → shadow');
  await expect(diff).toContainText('Node removed: notify_1 (notify)');
  await expect(diff).toContainText('Node changed: render_still_1 (render_still)');
  await expect(diff).toContainText('settings.renderer.samples: (default) → 16');
  await expect(diff).toContainText('Edge removed: output_save_1.asset → notify_1.asset');

  await dialog.getByRole('button', { name: 'Restore revision 1' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Restored revision 1 as revision 3.');
  const restored = await getWorkflow(request, host, 'history');
  expect(restored.revision).toBe(3);
  expect({ ...restored, revision: 1 }).toEqual(first);
  await expect(revisions.getByRole('row')).toHaveCount(4);
  await dialog.getByRole('combobox', { name: 'From revision' }).selectOption('1');
  await dialog.getByRole('combobox', { name: 'To revision' }).selectOption('3');
  await expect(dialog.getByRole('region', { name: 'Changes from revision 1 to revision 3' })).toContainText('No differences.');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(row(page, 'History').getByRole('cell').nth(2)).toHaveText('3');
});

test('a workflow file is exported and imported; an invalid file is refused with its problems by path; legacy presets are migrated', async ({ page, host, request }) => {
  await saveWorkflow(request, host, stillWorkflow('exported', 'Exported'));
  await page.goto(`${host.url}#/workflows`);
  const exported = (await downloadJsonFrom(page, await rowMenuItem(page, 'Exported', 'Export'))) as WorkflowDoc;
  expect(exported).toEqual(await getWorkflow(request, host, 'exported'));

  // Importing the same file again: the id is taken, so it comes in under a new one, revision 1.
  await page.getByLabel('Import a workflow file').setInputFiles({ name: 'exported.workflow.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await expect(page.getByRole('status').filter({ hasText: /^Imported exported\.workflow\.json as Exported/ })).toBeVisible();
  await expect(table(page).getByRole('row')).toHaveCount(3);

  // A file that breaks the contract: every problem, by path.
  const bad = { ...exported, id: 'bad-one', edges: [{ ...exported.edges[0]!, sourcePort: 'nope' }], nodes: exported.nodes.map((n) => (n.id === 'render_still_1' ? { ...n, settings: { renderer: { samples: 0 } } } : n)) };
  await page.getByLabel('Import a workflow file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const problems = page.getByRole('table', { name: 'Problems in bad.json' });
  await expect(problems.getByRole('row').filter({ hasText: 'edges[0].sourcePort' })).toContainText('has no output "nope"');
  await expect(problems.getByRole('row').filter({ hasText: 'nodes[4].settings.renderer.samples' })).toContainText('is too small');
  expect((await listIds(request, host)).some((w) => w.id === 'bad-one')).toBe(false);

  // Legacy presets: imported and migrated, the list refreshes.
  const files = ['pipeline.still_default.json', 'preset.still_white_2k.json'].map((f) => path.join(LEGACY_EXAMPLES_DIR, f));
  await page.getByLabel('Import legacy presets').setInputFiles(files);
  await expect(page.getByRole('status').filter({ hasText: /^Migrated 1 legacy workflow and 1 output type\./ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Legacy migration' })).toContainText('Verified');
  await expect(table(page).getByRole('row')).toHaveCount(4);
});
