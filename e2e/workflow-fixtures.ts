import type { APIRequestContext, Locator, Page } from '@playwright/test';
import type { RunningHost } from './host';
import { callApi } from './production-fixtures';

/** A canonical workflow document as the contract carries it (only what the tests look at is typed). */
export interface WorkflowDoc {
  schemaVersion: number;
  id: string;
  name: string;
  family: 'order_line' | 'cad_file';
  executionMode: 'legacy' | 'graph' | 'shadow';
  revision: number;
  nodes: { id: string; type: string; typeVersion: number; settings: Record<string, unknown>; position: { x: number; y: number }; disabled?: boolean; onError?: string; label?: string }[];
  edges: { id: string; source: string; sourcePort: string; target: string; targetPort: string }[];
  parameters?: unknown[];
  metadata: Record<string, unknown>;
}

export const getWorkflow = (request: APIRequestContext, host: RunningHost, id: string, revision?: number) =>
  callApi<WorkflowDoc>(request, host, 'workflows.get', revision === undefined ? { id } : { id, revision });

export const saveWorkflow = (request: APIRequestContext, host: RunningHost, document: WorkflowDoc) =>
  callApi<{ document: WorkflowDoc }>(request, host, 'workflows.save', { document });

/** The still pipeline of the issue, as one chain: every node feeds the next through these ports. */
export const STILL_CHAIN: { type: string; title: string; in?: string; out?: string }[] = [
  { type: 'input_order_line', title: 'Order line', out: 'line' },
  { type: 'resolve_cad', title: 'Resolve CAD', in: 'line', out: 'mesh' },
  { type: 'prepare_scene', title: 'Prepare scene', in: 'mesh', out: 'scene' },
  { type: 'apply_materials', title: 'Apply materials', in: 'scene', out: 'scene' },
  { type: 'render_still', title: 'Render still', in: 'scene', out: 'image' },
  { type: 'output_save', title: 'Save output', in: 'artifact', out: 'asset' },
  { type: 'notify', title: 'Notify', in: 'asset' },
];

/** A saved order_line workflow holding the whole still chain, laid out left to right. */
export function stillWorkflow(id: string, name: string): WorkflowDoc {
  const nodes = STILL_CHAIN.map((n, i) => ({ id: `${n.type}_1`, type: n.type, typeVersion: 1, settings: {}, position: { x: i * 260, y: 0 } }));
  const edges = STILL_CHAIN.slice(1).map((n, i) => {
    const prev = STILL_CHAIN[i]!;
    return { id: `e${i + 1}`, source: `${prev.type}_1`, sourcePort: prev.out!, target: `${n.type}_1`, targetPort: n.in! };
  });
  return { schemaVersion: 1, id, name, family: 'order_line', executionMode: 'legacy', revision: 0, nodes, edges, metadata: {} };
}

/** The editor's canvas (React Flow's application region). */
export const canvas = (page: Page): Locator => page.getByRole('application', { name: 'Workflow graph' });

/** A node on the canvas by its id (nodes are labelled "Title (id)"). */
export const canvasNode = (page: Page, id: string): Locator => canvas(page).getByRole('group', { name: new RegExp(`\\(${id.replace(/[.]/g, '\\.')}\\)$`) });

/** A port handle: "Input Scene of render_still_1 (scene)". */
export const port = (page: Page, direction: 'Input' | 'Output', title: string, nodeId: string): Locator =>
  page.getByLabel(new RegExp(`^${direction} ${title} of ${nodeId} \\(`));

/** Drags from one port to another with the mouse, as a person connects nodes. */
export async function dragConnect(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await settledBox(from);
  const b = await settledBox(to);
  if (!a || !b) throw new Error('a port to connect is not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** The box of an element once it stopped moving (the canvas may still be animating a fit or a layout). */
export async function settledBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number } | null> {
  let last = await locator.boundingBox();
  for (let i = 0; i < 20; i += 1) {
    await locator.page().waitForTimeout(100);
    const now = await locator.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y && now.width === last.width) return now;
    last = now;
  }
  return last;
}

/** Downloads what a button offers and parses it as JSON. */
export async function downloadJsonFrom(page: Page, button: Locator): Promise<unknown> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}
