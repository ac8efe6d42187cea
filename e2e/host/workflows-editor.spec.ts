import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { callApi } from '../production-fixtures';
import { CHEAP_STILL, migrateLegacyExamples, nodePanel, nodeRow, nodeStatus, prepareRuns, saveWithNodeSettings } from '../run-fixtures';
import { STILL_CHAIN, canvas, canvasNode, downloadJsonFrom, dragConnect, getWorkflow, port, saveWorkflow, stillWorkflow, type WorkflowDoc } from '../workflow-fixtures';

test.use({ viewport: { width: 1600, height: 1000 } });

const inspector = (page: Page) => page.getByRole('region', { name: 'Side panel' });
/** Export JSON sits in the toolbar's More menu. */
const exportJson = async (page: Page) => {
  await page.getByRole('toolbar', { name: 'Editor' }).getByRole('button', { name: 'More…' }).click();
  return page.getByRole('menuitem', { name: 'Export JSON' });
};
/** Selects a node by clicking its title on the canvas. */
const selectNode = async (page: Page, id: string) => {
  await canvasNode(page, id).click({ position: { x: 30, y: 10 } });
  await expect(inspector(page).getByRole('heading', { level: 2 })).toContainText(id);
};
const problemsStatus = (page: Page) => page.getByRole('region', { name: 'Problems' }).getByRole('status');

test('a still workflow is built from the palette; a connection whose types do not fit is refused with its reason', async ({ page, host, request }) => {
  await page.goto(`${host.url}#/workflows`);
  await expect(page.getByRole('heading', { level: 1, name: 'Workflows' })).toBeVisible();
  await page.getByRole('button', { name: 'New workflow' }).click();
  const dialog = page.getByRole('dialog', { name: 'New workflow' });
  await dialog.getByLabel('Name').fill('Still from palette');
  await dialog.getByRole('radio', { name: /^Order line/ }).check();
  await dialog.getByRole('button', { name: 'Create workflow' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Workflow: Still from palette' })).toBeVisible();
  const id = decodeURIComponent(page.url().split('/').pop() as string);
  const created = await getWorkflow(request, host, id);
  expect(created.revision).toBe(1);
  expect(created.nodes.map((n) => n.type)).toEqual(['input_order_line']);

  const palette = page.getByRole('region', { name: 'Node palette' });
  // Only the family's node types are offered.
  await expect(palette.getByRole('button', { name: 'Add Render still' })).toBeVisible();
  await expect(palette.getByRole('button', { name: 'Add Ingest CAD' })).toHaveCount(0);

  // Drag one node type onto the canvas…
  await palette.getByRole('button', { name: 'Add Resolve CAD' }).dragTo(canvas(page), { targetPosition: { x: 420, y: 120 } });
  await expect(canvasNode(page, 'resolve_cad_1')).toBeVisible();
  // …and add the rest from the keyboard: "/" opens the palette search, Enter adds at the centre.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await expect(palette.getByRole('searchbox', { name: 'Search node types' })).toBeFocused();
  await page.keyboard.type('prepare');
  await page.keyboard.press('Enter');
  await expect(canvasNode(page, 'prepare_scene_1')).toBeVisible();
  for (const title of ['Apply materials', 'Render still', 'Save output', 'Notify']) {
    await page.keyboard.press('Control+k');
    await page.keyboard.type(title);
    await page.keyboard.press('Enter');
  }
  for (const n of STILL_CHAIN) await expect(canvasNode(page, `${n.type}_1`)).toBeVisible();
  // Each went where there was room: no two nodes overlap.
  const boxes = [];
  for (const n of STILL_CHAIN) boxes.push({ id: n.type, box: (await canvasNode(page, `${n.type}_1`).boundingBox())! });
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1)) {
      const apart = a.box.x + a.box.width <= b.box.x || b.box.x + b.box.width <= a.box.x || a.box.y + a.box.height <= b.box.y || b.box.y + b.box.height <= a.box.y;
      expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
    }

  await page.getByRole('button', { name: 'Auto-layout' }).click();

  // Connect with the mouse, output to input.
  await dragConnect(page, port(page, 'Output', 'Order line', 'input_order_line_1'), port(page, 'Input', 'Order line', 'resolve_cad_1'));
  await expect(page.getByRole('status').filter({ hasText: 'Connected input_order_line_1 line to resolve_cad_1 line' })).toBeVisible();

  // A mesh is not a scene: refused, and the reason is shown beside the canvas.
  await dragConnect(page, port(page, 'Output', 'Mesh asset', 'resolve_cad_1'), port(page, 'Input', 'Scene', 'render_still_1'));
  const refusal = page.getByRole('alert').filter({ hasText: 'Connection refused' });
  await expect(refusal).toContainText('output "mesh" of node "resolve_cad_1" (resolve_cad) gives mesh_asset, but input "scene" of node "render_still_1" (render_still) accepts only scene');
  await expect(page.getByRole('group', { name: /^Edge from resolve_cad_1 mesh to render_still_1/ })).toHaveCount(0);

  // The same refusal from the keyboard path (the inspector's input choice lists only fitting outputs).
  await selectNode(page, 'render_still_1');
  const scene = inspector(page).getByLabel(/^Input Scene/);
  await expect(scene.locator('option', { hasText: 'resolve_cad_1' })).toHaveCount(0);

  // The rest of the chain through the inspector's input choices.
  for (let i = 2; i < STILL_CHAIN.length; i += 1) {
    const node = STILL_CHAIN[i]!;
    const prev = STILL_CHAIN[i - 1]!;
    await selectNode(page, `${node.type}_1`);
    const select = inspector(page).getByRole('combobox', { name: /^Input / });
    await select.selectOption({ value: JSON.stringify([`${prev.type}_1`, prev.out]) });
  }
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved revision 2' })).toBeVisible();
  const saved = await getWorkflow(request, host, id);
  expect(saved.revision).toBe(2);
  expect(saved.nodes.map((n) => n.type)).toEqual(STILL_CHAIN.map((n) => n.type));
  const chain = STILL_CHAIN.slice(1).map((n, i) => `${STILL_CHAIN[i]!.type}_1.${STILL_CHAIN[i]!.out}->${n.type}_1.${n.in}`);
  expect(saved.edges.map((e) => `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`).sort()).toEqual(chain.sort());
  // Nothing was set on a node: settings stay sparse.
  for (const n of saved.nodes) expect(n.settings).toEqual({});
});

test('an invalid graph cannot be dispatched: the button is disabled with the reasons; problems focus what they concern', async ({ page, host, request }) => {
  await saveWorkflow(request, host, stillWorkflow('still-dispatch', 'Still to break'));
  await page.goto(`${host.url}#/workflows/still-dispatch`);
  await expect(page.getByRole('heading', { level: 1, name: 'Workflow: Still to break' })).toBeVisible();
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');
  const dispatch = page.getByRole('button', { name: 'Dispatch', exact: true });
  // Valid and saved: only the missing order line holds it back.
  await expect(dispatch).toHaveAccessibleDescription('Choose an order line to run on.');

  // Delete the edge into the render from the keyboard: render_still loses its scene.
  const edge = page.getByRole('group', { name: 'Edge from apply_materials_1 scene to render_still_1 scene' });
  await edge.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Delete');
  await expect(edge).toHaveCount(0);

  await expect(problemsStatus(page)).toHaveText(/^1 error/);
  await expect(dispatch).toBeDisabled();
  await expect(dispatch).toHaveAccessibleDescription(/The graph has 1 problem that block dispatch/);
  await expect(dispatch).toHaveAccessibleDescription(/Save the workflow first/);

  // The problem shows on its node, and clicking it selects the node.
  await expect(canvasNode(page, 'render_still_1')).toContainText('1 problem');
  await page.getByRole('list', { name: 'Problems of the workflow' }).getByRole('button', { name: /required input "scene"/ }).click();
  await expect(inspector(page).getByRole('heading', { level: 2 })).toContainText('render_still_1');

  // Saving is refused by the backend, with the problem named.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toContainText('required input "scene" (scene) is not connected');

  // An invalid setting is explained inline as it is typed (the shared validator in the editor),
  // and the backend's answer, the one dispatch waits for, agrees.
  const samples = inspector(page).getByRole('spinbutton', { name: 'Samples' });
  await samples.fill('0');
  await expect(samples).toHaveAttribute('aria-invalid', 'true');
  await expect(samples).toHaveAccessibleDescription(/renderer\.samples = 0 is too small; allowed: an integer from 1 to 4096/);
  await expect(problemsStatus(page)).toHaveText(/^2 errors/);
  await expect(canvasNode(page, 'render_still_1')).toContainText('2 problems');
  await samples.fill('16');
  await expect(samples).not.toHaveAttribute('aria-invalid', 'true');

  // Connecting the scene again makes it valid; still unsaved, so dispatch stays disabled, saying why.
  await inspector(page).getByRole('combobox', { name: /^Input Scene/ }).selectOption({ value: JSON.stringify(['apply_materials_1', 'scene']) });
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');
  await expect(dispatch).toBeDisabled();
  await expect(dispatch).not.toHaveAccessibleDescription(/problem/);
  await expect(dispatch).toHaveAccessibleDescription(/Save the workflow first/);
});

test('save and reload give back the identical document, positions and settings included', async ({ page, host, request }) => {
  await saveWorkflow(request, host, stillWorkflow('roundtrip', 'Round trip'));
  await page.goto(`${host.url}#/workflows/roundtrip`);
  await expect(page.getByRole('heading', { level: 1, name: 'Workflow: Round trip' })).toBeVisible();

  await selectNode(page, 'render_still_1');
  await inspector(page).getByRole('spinbutton', { name: 'Samples' }).fill('16');
  await inspector(page).getByRole('combobox', { name: 'Engine' }).selectOption('eevee');
  await inspector(page).getByRole('combobox', { name: 'Format' }).selectOption('jpeg');
  await inspector(page).getByRole('combobox', { name: 'On error' }).selectOption('continue');

  await selectNode(page, 'prepare_scene_1');
  await inspector(page).getByRole('textbox', { name: 'Color', exact: true }).fill('#336699');
  await inspector(page).getByRole('combobox', { name: 'Lighting' }).selectOption('studio_hard');

  await selectNode(page, 'apply_materials_1');
  await inspector(page).getByRole('button', { name: 'Add entry to By part' }).click();
  await inspector(page).getByRole('textbox', { name: 'Part-name glob 1 of By part' }).fill('bolt*');
  // Material keys are an enum in the node's settings schema: the form offers them as choices.
  await inspector(page).getByRole('combobox', { name: 'Value 1 of By part' }).selectOption('brushed_steel');
  await inspector(page).getByRole('button', { name: 'Add entry to By part' }).click();
  await inspector(page).getByRole('textbox', { name: 'Part-name glob 2 of By part' }).fill('nut*');
  await inspector(page).getByRole('combobox', { name: 'Value 2 of By part' }).selectOption('chrome');
  // Order matters (first match wins): move the second entry up.
  await inspector(page).getByRole('button', { name: 'Move entry 2 of By part up' }).click();

  // Move a node by dragging it.
  const box = await canvasNode(page, 'notify_1').boundingBox();
  if (!box) throw new Error('notify_1 is not on screen');
  await page.mouse.move(box.x + 30, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + 90, { steps: 6 });
  await page.mouse.up();

  await page.getByRole('combobox', { name: 'Execution mode' }).selectOption('shadow');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved revision 2' })).toBeVisible();

  const stored = await getWorkflow(request, host, 'roundtrip');
  const exported = (await downloadJsonFrom(page, await exportJson(page))) as WorkflowDoc;
  expect(exported).toEqual(stored);
  expect(stored.executionMode).toBe('shadow');
  const byId = new Map(stored.nodes.map((n) => [n.id, n]));
  // Only what was changed is stored on each node.
  expect(byId.get('render_still_1')!.settings).toEqual({ renderer: { samples: 16, engine: 'eevee' }, output: { format: 'jpeg' } });
  expect(byId.get('render_still_1')!.onError).toBe('continue');
  expect(byId.get('prepare_scene_1')!.settings).toEqual({ background: { color: '#336699' }, lighting: 'studio_hard' });
  expect(Object.entries(byId.get('apply_materials_1')!.settings.by_part as object)).toEqual([
    ['nut*', 'chrome'],
    ['bolt*', 'brushed_steel'],
  ]);
  expect(byId.get('notify_1')!.position).not.toEqual({ x: 6 * 260, y: 0 });

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Workflow: Round trip' })).toBeVisible();
  const reloaded = (await downloadJsonFrom(page, await exportJson(page))) as WorkflowDoc;
  expect(reloaded).toEqual(stored);
  await selectNode(page, 'render_still_1');
  await expect(inspector(page).getByRole('spinbutton', { name: 'Samples' })).toHaveValue('16');
  await expect(page.getByRole('combobox', { name: 'Execution mode' })).toHaveValue('shadow');
});

test('undo and redo an edit; a whole drag is one step', async ({ page, host, request }) => {
  await saveWorkflow(request, host, stillWorkflow('undo-redo', 'Undo redo'));
  await page.goto(`${host.url}#/workflows/undo-redo`);
  await expect(page.getByRole('heading', { level: 1, name: 'Workflow: Undo redo' })).toBeVisible();
  const undo = page.getByRole('button', { name: 'Undo' });
  const redo = page.getByRole('button', { name: 'Redo' });
  await expect(undo).toBeDisabled();

  await selectNode(page, 'render_still_1');
  const samples = inspector(page).getByRole('spinbutton', { name: 'Samples' });
  await samples.fill('32');
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();

  // A drag of many small moves…
  const before = await canvasNode(page, 'notify_1').boundingBox();
  if (!before) throw new Error('notify_1 is not on screen');
  await page.mouse.move(before.x + 30, before.y + 10);
  await page.mouse.down();
  for (let i = 1; i <= 8; i += 1) await page.mouse.move(before.x + 30 + i * 10, before.y + 10 + i * 12);
  await page.mouse.up();
  const moved = await canvasNode(page, 'notify_1').boundingBox();
  expect(moved!.y).toBeGreaterThan(before.y + 40);

  // …is undone in one step.
  await undo.click();
  await expect.poll(async () => Math.round((await canvasNode(page, 'notify_1').boundingBox())!.y)).toBe(Math.round(before.y));
  await selectNode(page, 'render_still_1');
  await expect(samples).toHaveValue('32');

  // Then the setting, from the keyboard.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();
  await selectNode(page, 'render_still_1');
  await expect(inspector(page).getByRole('spinbutton', { name: 'Samples' })).toHaveValue('64');

  await redo.click();
  await expect(inspector(page).getByRole('spinbutton', { name: 'Samples' })).toHaveValue('32');
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(async () => Math.round((await canvasNode(page, 'notify_1').boundingBox())!.y)).toBe(Math.round(moved!.y));
  await expect(redo).toBeDisabled();

  // Delete and paste are undoable too.
  await selectNode(page, 'notify_1');
  await page.keyboard.press('Delete');
  await expect(canvasNode(page, 'notify_1')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(canvasNode(page, 'notify_1')).toBeVisible();
  await expect(page.getByRole('group', { name: /^Edge from output_save_1 asset to notify_1 asset/ })).toHaveCount(1);

  // Copy and paste a selection of two nodes (Shift+click adds to it): the copies keep their edge.
  await selectNode(page, 'render_still_1');
  await canvasNode(page, 'output_save_1').click({ position: { x: 30, y: 10 }, modifiers: ['Shift'] });
  await expect(inspector(page).getByRole('heading', { level: 2, name: 'Selection' })).toBeVisible();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(canvasNode(page, 'render_still_2')).toBeVisible();
  await expect(canvasNode(page, 'output_save_2')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Edge from render_still_2 image to output_save_2 artifact' })).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(canvasNode(page, 'render_still_2')).toHaveCount(0);

  // The help overlay lists the shortcuts.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help.getByRole('row', { name: /Ctrl\+Z/ })).toContainText('Undo');
  await help.getByRole('button', { name: 'Close' }).click();

  // Leaving with unsaved changes asks first.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Workflows' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Stay in the editor' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Workflow: Undo redo' })).toBeVisible();
});

test("a dry run shows the plan over the graph; Dispatch on an order line runs with the line's output type as an observer and links to the run, and a second dry run shows the reuse", async ({ page, host, request }) => {
  test.setTimeout(300_000);
  const { cadFileId } = await prepareRuns(request, host);
  await saveWithNodeSettings(request, host, 'legacy.still_default', 'render_still', CHEAP_STILL);
  const order = await callApi<{ lines: { id: string }[] }>(request, host, 'orders.create', { name: 'Editor dispatch', cadFileIds: [cadFileId], outputTypeKeys: ['still_quick_preview'] });
  const lineId = order.lines[0]?.id as string;

  await page.goto(`${host.url}#/workflows/legacy.still_default`);
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');
  const runPanel = page.getByRole('region', { name: 'Dry run and dispatch' });
  await runPanel.getByRole('combobox', { name: 'Order line' }).selectOption(lineId);

  // A draft out of range is refused by the backend, naming the field and the value.
  const maxSize = runPanel.getByRole('group', { name: 'Draft (optional)' }).getByRole('spinbutton', { name: 'Max size (px)' });
  await maxSize.fill('8');
  await runPanel.getByRole('button', { name: 'Dry run' }).click();
  await expect(runPanel.getByRole('alert')).toHaveText(/^Dry run failed: draft\.maxSize: .*\b8\b/);
  await maxSize.fill('');

  // The backend's plan, in a table and over the graph: order, reuse, renders to queue.
  await runPanel.getByRole('button', { name: 'Dry run' }).click();
  const plan = page.getByRole('region', { name: 'Dry run plan' });
  await expect(plan.getByRole('status')).toHaveText('Plan is valid: 7 nodes in order, 0 reused from earlier runs, 1 render to queue.');
  const planRow = (id: string) => plan.getByRole('row').filter({ has: page.getByRole('rowheader', { name: id, exact: true }) });
  // The scene's inputs are known before the run (the CAD file is resolved), so the plan can tell it
  // runs; the render's wait on the scene's output, so it cannot be told yet.
  await expect(planRow('step2_prepare_scene')).toContainText('runs');
  await expect(planRow('step4_render_still')).toContainText('unknown');
  await expect(canvasNode(page, 'step4_render_still')).toContainText('#5');
  await expect(canvasNode(page, 'step4_render_still')).toContainText('1 render');

  // The output type offered is the line's own; the panel says what an editor run is.
  const outputType = runPanel.getByRole('combobox', { name: 'Output type', exact: true });
  await expect(outputType.getByRole('option', { selected: true })).toHaveText("The line's own: Quick preview (still_quick_preview)");
  await expect(outputType.getByRole('option', { name: 'Top view EXR for compositing (still_top_exr)' })).toHaveCount(1);
  await expect(runPanel).toContainText('An editor run is an observer: it publishes nothing, notifies no one and leaves the order line as it is.');
  await expect(maxSize).toHaveValue('');

  // Dispatch runs the saved revision on the line and links to the run, which ends with the image.
  const dispatch = runPanel.getByRole('button', { name: 'Dispatch', exact: true });
  await expect(dispatch).toBeEnabled();
  await dispatch.click();
  const started = runPanel.getByRole('status').filter({ hasText: /^Started run/ });
  await expect(started).toContainText('with output type still_quick_preview');
  await started.getByRole('link', { name: 'Open the run' }).click();
  await expect(page).toHaveURL(/#\/runs\/[0-9a-f-]+$/);
  await expect(nodeStatus(page, 'step6_notify')).toHaveText(/^succeeded/, { timeout: 120_000 });
  await nodeRow(page, 'step4_render_still').getByRole('button', { name: 'step4_render_still', exact: true }).click();
  await expect(nodePanel(page, 'step4_render_still').getByRole('img', { name: 'Output image of step4_render_still' })).toBeVisible();

  // Planned again on the same line: what that run produced is reused, nothing is left to render.
  await page.goto(`${host.url}#/workflows/legacy.still_default`);
  await runPanel.getByRole('combobox', { name: 'Order line' }).selectOption(lineId);
  await runPanel.getByRole('button', { name: 'Dry run' }).click();
  await expect(plan.getByRole('status')).toHaveText('Plan is valid: 7 nodes in order, 3 reused from earlier runs, 0 renders to queue.');
  await expect(planRow('step4_render_still')).toContainText('reused');
  await expect(canvasNode(page, 'step4_render_still')).toContainText('Reused');
  await expect(canvasNode(page, 'step4_render_still')).not.toContainText('1 render');
});

test('an edited revision is tried in shadow on an output type from the editor: the output type pins it, its mode is shadow, the mode log says so', async ({ page, host, request }) => {
  await migrateLegacyExamples(request, host);
  const revision = await saveWithNodeSettings(request, host, 'legacy.still_default', 'render_still', { renderer: { samples: 3 } });
  expect(revision).toBe(2);
  await page.goto(`${host.url}#/workflows/legacy.still_default`);
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');
  const tryPanel = page.getByRole('region', { name: 'Try in shadow' });
  const outputType = tryPanel.getByRole('combobox', { name: 'Output type to try on' });
  // An output type bound to this workflow is offered first.
  await expect(outputType.getByRole('option', { selected: true })).toContainText('now legacy.still_default revision 1');
  await outputType.selectOption('still_white_2k');
  const tryIt = tryPanel.getByRole('button', { name: 'Try revision 2 in shadow' });
  await expect(tryIt).toBeEnabled();
  await tryIt.click();
  await expect(tryPanel.getByRole('status')).toContainText('(still_white_2k) now runs legacy.still_default revision 2 in shadow. Graph: not yet, it has no shadow comparison yet.');
  const status = await callApi<{ outputTypes: { key: string; ownMode: string | null; workflowRevision: number | null }[]; changes: { target: string; toMode: string; reason: string | null }[] }>(request, host, 'rollout.status', {});
  expect(status.outputTypes.find((o) => o.key === 'still_white_2k')).toMatchObject({ ownMode: 'shadow', workflowRevision: 2 });
  expect(status.changes[0]).toMatchObject({ target: 'still_white_2k', toMode: 'shadow', reason: 'try legacy.still_default revision 2 in shadow (was revision 1)' });
  await tryPanel.getByRole('link', { name: 'Open its rollout' }).click();
  await expect(page).toHaveURL(/#\/output-types\/still_white_2k\/rollout$/);
});

test('workflow parameters: added, aimed at a setting, a default that does not fit explained and focused from the problems, kept by save, undone', async ({ page, host, request }) => {
  await saveWorkflow(request, host, stillWorkflow('still-params', 'Parameters'));
  await page.goto(`${host.url}#/workflows/still-params`);
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');

  await page.getByRole('button', { name: 'Parameters', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Parameters' });
  await expect(panel.getByRole('heading', { name: 'Parameters' })).toBeFocused();
  await expect(panel).toContainText('No parameters.');
  await panel.getByRole('button', { name: 'Add parameter' }).click();
  const param = panel.getByRole('group', { name: 'Parameter param_1' });
  await param.getByRole('textbox', { name: 'Name' }).fill('render.samples');
  const fields = panel.getByRole('group', { name: 'Parameter render.samples' });
  await fields.getByRole('button', { name: 'Add target to render.samples' }).click();
  await fields.getByRole('combobox', { name: 'Node of target 1 of render.samples' }).selectOption('render_still_1');
  await fields.getByRole('combobox', { name: 'Setting of target 1 of render.samples' }).selectOption('renderer.samples');

  // A default the setting refuses is explained on the field; the problem in the list focuses it.
  const value = fields.getByRole('textbox', { name: 'Default (JSON)' });
  await value.fill('0');
  await expect(value).toHaveAttribute('aria-invalid', 'true');
  await expect(value).toHaveAccessibleDescription(/parameter "render\.samples" default 0 does not fit setting renderer\.samples of node "render_still_1"/);
  await expect(problemsStatus(page)).toHaveText(/^1 error/);
  await page.getByRole('list', { name: 'Problems of the workflow' }).getByRole('button', { name: /default 0 does not fit/ }).click();
  await expect(value).toBeFocused();
  await value.fill('not json');
  await expect(value).toHaveAccessibleDescription(/not valid JSON/);
  await value.fill('8');
  await expect(value).not.toHaveAttribute('aria-invalid', 'true');
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');

  // The node's own field says the parameter fills it.
  await selectNode(page, 'render_still_1');
  await expect(inspector(page).getByRole('spinbutton', { name: 'Samples' })).toHaveAccessibleDescription(/Parameter "render\.samples" fills it unless set here/);

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved revision 2/ })).toBeVisible();
  const stored = await getWorkflow(request, host, 'still-params');
  expect(stored.parameters).toEqual([{ name: 'render.samples', default: 8, targets: [{ nodeId: 'render_still_1', setting: 'renderer.samples' }] }]);
  await page.reload();
  await page.getByRole('button', { name: 'Parameters', exact: true }).click();
  await expect(panel.getByRole('group', { name: 'Parameter render.samples' }).getByRole('textbox', { name: 'Default (JSON)' })).toHaveValue('8');

  // Removing it is one step to undo.
  await panel.getByRole('button', { name: 'Remove render.samples' }).click();
  await expect(panel).toContainText('No parameters.');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(panel.getByRole('group', { name: 'Parameter render.samples' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();
});

test('a setting is exposed as a workflow parameter from the inspector, in one undoable step', async ({ page, host, request }) => {
  await saveWorkflow(request, host, stillWorkflow('still-expose', 'Expose'));
  await page.goto(`${host.url}#/workflows/still-expose`);
  await selectNode(page, 'render_still_1');
  const samples = inspector(page).getByRole('spinbutton', { name: 'Samples' });
  await samples.fill('32');
  await expect(samples).toHaveAccessibleDescription(/Set on this node/);

  await inspector(page).getByRole('button', { name: 'Expose Samples as a workflow parameter' }).click();
  // The parameter now fills it: its default is the value the node had, and the node no longer sets it.
  await expect(samples).toHaveAccessibleDescription(/Default: 32 · .*Parameter "render_still_1\.renderer\.samples" fills it unless set here/);
  await expect(samples).not.toHaveAccessibleDescription(/Set on this node/);
  await expect(samples).toHaveValue('32');
  await expect(inspector(page).getByRole('button', { name: 'Expose Samples as a workflow parameter' })).toHaveCount(0);
  await expect(problemsStatus(page)).toHaveText('No problems: the graph can be dispatched.');

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved revision 2/ })).toBeVisible();
  const stored = await getWorkflow(request, host, 'still-expose');
  expect(stored.parameters).toEqual([{ name: 'render_still_1.renderer.samples', default: 32, targets: [{ nodeId: 'render_still_1', setting: 'renderer.samples' }] }]);
  expect(stored.nodes.find((n) => n.id === 'render_still_1')?.settings).toEqual({});

  // One step back: the node sets 32 itself again, and there is no parameter.
  await page.getByRole('button', { name: 'Undo' }).click();
  await selectNode(page, 'render_still_1');
  await expect(samples).toHaveAccessibleDescription(/Set on this node/);
  await expect(inspector(page).getByRole('button', { name: 'Expose Samples as a workflow parameter' })).toBeVisible();
});
