import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import type { RunningHost } from './host';
import { LEGACY_EXAMPLES_DIR, STEP_FILE, callApi, importCadThroughApi } from './production-fixtures';

/** Every legacy example document, as `lightbox legacy migrate resources/legacy/examples/*.json` hands them over. */
export function legacyExampleDocuments(): { fileName: string; text: string }[] {
  return fs
    .readdirSync(LEGACY_EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((fileName) => ({ fileName, text: fs.readFileSync(path.join(LEGACY_EXAMPLES_DIR, fileName), 'utf8') }));
}

/** Imports and migrates every legacy example: workflows `legacy.still_default`, `legacy.turntable_default`, … and their output types. */
export async function migrateLegacyExamples(request: APIRequestContext, host: RunningHost) {
  const migrated = await callApi<{ workflows: { workflowId: string; revision: number }[]; verified: boolean }>(request, host, 'legacy.migrate', { documents: legacyExampleDocuments(), verify: true });
  if (!migrated.verified) throw new Error('the legacy examples did not migrate losslessly');
  return migrated;
}

interface WorkflowDoc {
  id: string;
  revision: number;
  nodes: { id: string; type: string; settings: Record<string, unknown> }[];
}

/** Saves a new revision of a workflow with the settings of its nodes of one type replaced; answers the revision. */
export async function saveWithNodeSettings(request: APIRequestContext, host: RunningHost, workflowId: string, nodeType: string, settings: Record<string, unknown>): Promise<number> {
  const document = await callApi<WorkflowDoc>(request, host, 'workflows.get', { id: workflowId });
  const nodes = document.nodes.filter((n) => n.type === nodeType);
  if (!nodes.length) throw new Error(`${workflowId} has no ${nodeType} node`);
  for (const node of nodes) node.settings = settings;
  const saved = await callApi<{ document: WorkflowDoc }>(request, host, 'workflows.save', { document, note: `e2e: ${nodeType} settings` });
  return saved.document.revision;
}

/** A cheap still: 64 × 64, 2 samples. */
export const CHEAP_STILL = { resolution: { width: 64, height: 64 }, renderer: { samples: 2 } };
/** A turntable long enough to be caught rendering: 36 frames at 256 × 256, 64 samples. */
export const SLOW_TURNTABLE = { resolution: { width: 256, height: 256 }, renderer: { samples: 64 }, turntable: { frames: 36 } };

/** The studio's setup for run tests: legacy examples migrated, the CAx-IF STEP file ingested. */
export async function prepareRuns(request: APIRequestContext, host: RunningHost): Promise<{ cadFileId: string }> {
  await migrateLegacyExamples(request, host);
  const cad = await importCadThroughApi(request, host, STEP_FILE);
  return { cadFileId: cad.id };
}

export async function startWorkflowRun(request: APIRequestContext, host: RunningHost, workflowId: string, cadFileId: string): Promise<string> {
  const { runId } = await callApi<{ runId: string }>(request, host, 'workflows.run', { workflowId, cadFileId });
  return runId;
}

export interface RunAnswer {
  id: string;
  status: string;
  nodes: { nodeId: string; nodeType: string; status: string; log: string }[];
}

/** Polls runs.get until the run is no longer running. */
export async function waitForRunEnd(request: APIRequestContext, host: RunningHost, runId: string, timeoutMs = 120_000): Promise<RunAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await callApi<RunAnswer>(request, host, 'runs.get', { runId });
    if (run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The run page's table of nodes, and one node's row in it (by node id, its row header). */
export const nodeTable = (page: Page): Locator => page.getByRole('table', { name: 'Nodes of the run' });
export const nodeRow = (page: Page, nodeId: string): Locator => nodeTable(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: nodeId, exact: true }) });
/** The status cell of a node's row: Node, Type, Status, Progress, Duration. */
export const nodeStatus = (page: Page, nodeId: string): Locator => nodeRow(page, nodeId).getByRole('cell').nth(1);
/** The open node panel (a region named after the node). */
export const nodePanel = (page: Page, nodeId: string): Locator => page.getByRole('region', { name: `Node ${nodeId}` });
