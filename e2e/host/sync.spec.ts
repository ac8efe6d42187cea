import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { seriousAxeViolations } from '../axe';
import { makeDataDir, removeDataDir } from '../host';
import { callApi } from '../production-fixtures';
import { addPerson, callHub, startHub, type RunningHub } from '../sync-fixtures';
import { getWorkflow, saveWorkflow, stillWorkflow, type WorkflowDoc } from '../workflow-fixtures';

/**
 * Issue 17 items 3, 6 and 8 in the app: a real hub process (`lightbox hub`) and the app's host as
 * a workstation; the Sync page syncs, shows a conflict base / mine / theirs, resolves it by choice,
 * and says plainly when the hub cannot be reached.
 */
const WF = 'sync_still';
const NODE = 'render_still_1';

const withSamples = (doc: WorkflowDoc, samples: number): WorkflowDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === NODE ? { ...n, settings: { ...n.settings, renderer: { samples } } } : n)),
});
const samplesOf = (doc: WorkflowDoc) => (doc.nodes.find((n) => n.id === NODE)?.settings.renderer as { samples?: number } | undefined)?.samples;

let hubDir = '';
let hub: RunningHub | undefined;
let artist = '';

test.beforeEach(async () => {
  hubDir = path.join(makeDataDir(), 'hub');
  hub = await startHub(hubDir);
  artist = await addPerson(hubDir, 'alice', 'artist');
});

test.afterEach(async () => {
  await hub?.stop();
  removeDataDir(path.dirname(hubDir));
});

async function openSync(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Sync', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sync' })).toBeVisible();
}

async function syncNow(page: Page) {
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
}


const statusCell = (page: Page, row: string) => page.getByRole('table', { name: 'Sync status' }).getByRole('row', { name: new RegExp(`^${row}`) }).getByRole('cell');

test('the same setting changed on the hub and here: Sync now shows one conflict naming the node and the setting; Theirs, Apply; the next sync pushes the merge to the hub', async ({ page, host, request }) => {
  // The workflow made here, then a first sync from the page sends it to the hub.
  await saveWorkflow(request, host, withSamples(stillWorkflow(WF, 'Sync still'), 64));
  await openSync(page, host.url);
  await expect(statusCell(page, 'Last sync')).toHaveText('Never');
  await expect(statusCell(page, 'Changes waiting to be pushed')).toHaveText('1');
  // No hub used yet: the sidebar counts nothing as waiting.
  await expect(page.getByRole('status', { name: /waiting to sync/ })).toHaveCount(0);
  await page.getByLabel('Hub URL').fill(hub!.url);
  await page.getByLabel('Your hub token').fill(artist);
  await syncNow(page);
  await expect(page.getByRole('status').filter({ hasText: 'Synced' })).toContainText('1 revision pushed, 0 revisions pulled');
  // The token left the field and is never shown back; the window holds it.
  await expect(page.getByLabel('Your hub token')).toHaveValue('');
  await expect(page.getByText('A token is held for this window')).toBeVisible();
  await expect(statusCell(page, 'Last sync')).not.toHaveText('Never');
  await expect(statusCell(page, 'Changes waiting to be pushed')).toHaveText('0');

  // Both sides change the render's samples differently: the hub through its HTTP API, here through the app's.
  const onHub = await callHub<WorkflowDoc>(request, hub!, artist, 'workflows.get', { id: WF });
  await callHub(request, hub!, artist, 'workflows.save', { document: withSamples(onHub, 256) });
  await saveWorkflow(request, host, withSamples(await getWorkflow(request, host, WF), 128));

  await syncNow(page);
  await expect(page.getByRole('status').filter({ hasText: 'Synced' })).toContainText('1 conflict to resolve below');
  await expect(page.getByRole('status', { name: /1 sync conflict open/ })).toBeVisible();
  await expect(statusCell(page, 'Open conflicts')).toHaveText('1');
  const workflow = page.getByRole('region', { name: `Workflow ${WF}` });
  await expect(workflow.getByRole('heading', { name: `Node ${NODE}` })).toBeVisible();
  await expect(workflow.getByRole('listitem')).toHaveCount(1);
  await expect(workflow.getByRole('listitem')).toContainText(NODE);
  await expect(workflow.getByRole('listitem')).toContainText('renderer.samples');
  // Base, mine, theirs side by side; what each side changed is marked.
  const table = workflow.getByRole('table', { name: `settings.renderer.samples of node ${NODE}: base, mine and theirs` });
  await expect(table.getByRole('columnheader')).toHaveText(['Setting', 'Base', 'Mine', 'Theirs']);
  await expect(table.getByRole('row').nth(1).getByRole('cell')).toHaveText(['64', '128 changed', '256 changed']);

  // The three columns read well in both colour schemes.
  expect(await seriousAxeViolations(page)).toEqual([]);

  const apply = workflow.getByRole('button', { name: `Apply choices to ${WF}` });
  await expect(apply).toBeDisabled();
  await workflow.getByRole('radiogroup', { name: `Keep for settings.renderer.samples of node ${NODE}` }).getByRole('radio', { name: 'Theirs' }).check();
  await apply.click();
  await expect(page.getByRole('status').filter({ hasText: 'Merged graph validated and saved' })).toContainText(`${WF}: the merge passed validation and was saved as revision`);
  await expect(page.getByText('No conflicts are open.')).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await expect(statusCell(page, 'Open conflicts')).toHaveText('0');
  expect(samplesOf(await getWorkflow(request, host, WF))).toBe(256);
  // The local save and the merge wait for the hub.
  await expect(statusCell(page, 'Changes waiting to be pushed')).toHaveText('2');

  await syncNow(page);
  await expect(page.getByRole('status').filter({ hasText: 'Synced' })).toContainText('2 revisions pushed, 0 revisions pulled');
  await expect(statusCell(page, 'Changes waiting to be pushed')).toHaveText('0');
  // The hub's head is the merge: two parents, theirs' samples.
  const pulled = await callHub<{ heads: Record<string, string>; revisions: { revisionId: string; parents: string[]; document: WorkflowDoc }[] }>(request, hub!, artist, 'sync.pull', { since: 0 });
  const head = pulled.revisions.find((r) => r.revisionId === pulled.heads[WF]);
  expect(head?.parents).toHaveLength(2);
  expect(samplesOf(head!.document)).toBe(256);
  expect(samplesOf(await callHub<WorkflowDoc>(request, hub!, artist, 'workflows.get', { id: WF }))).toBe(256);
});

test('with the hub stopped, Sync now says the hub could not be reached and how many changes wait', async ({ page, host, request }) => {
  await saveWorkflow(request, host, withSamples(stillWorkflow(WF, 'Sync still'), 64));
  await openSync(page, host.url);
  await page.getByLabel('Hub URL').fill(hub!.url);
  await page.getByLabel('Your hub token').fill(artist);
  await syncNow(page);
  await expect(page.getByRole('status').filter({ hasText: 'Synced' })).toContainText('1 revision pushed');

  await hub!.stop();
  await saveWorkflow(request, host, withSamples(await getWorkflow(request, host, WF), 100));
  await saveWorkflow(request, host, withSamples(await getWorkflow(request, host, WF), 200));
  await syncNow(page);
  const alert = page.getByRole('alert').filter({ hasText: 'The hub could not be reached' });
  await expect(alert).toContainText('2 changes wait here and will be pushed at the next sync');
  await expect(statusCell(page, 'Changes waiting to be pushed')).toHaveText('2');
  await expect(page.getByRole('status', { name: '2 changes waiting to sync' })).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);
  // Nothing was lost here.
  expect(samplesOf(await callApi<WorkflowDoc>(request, host, 'workflows.get', { id: WF }))).toBe(200);
});
