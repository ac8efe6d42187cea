import type { APIRequestContext } from '@playwright/test';
import type { RunningHost } from './host';
import { callApi } from './production-fixtures';

/** A cheap draft for every dispatch of these tests. */
export const SMALL_DRAFT = { maxSize: 64, samples: 2 } as const;

export interface LineAnswer {
  line: { id: string; status: string; modeUsed: string | null; attempts: number; error: string | null };
  runs: { id: string; mode: string; role: string; status: string }[];
}

/** Creates an order of one CAD file in one output type; answers the line id. */
export async function createLine(request: APIRequestContext, host: RunningHost, cadFileId: string, outputTypeKey: string, name = `E2E ${outputTypeKey}`): Promise<string> {
  const order = await callApi<{ lines: { id: string }[] }>(request, host, 'orders.create', { name, cadFileIds: [cadFileId], outputTypeKeys: [outputTypeKey] });
  const id = order.lines[0]?.id;
  if (!id) throw new Error('the order has no line');
  return id;
}

/** Dispatches a line with a small draft (and a mode, when given) and waits until it ends. */
export async function dispatchAndWait(request: APIRequestContext, host: RunningHost, orderLineId: string, mode?: 'legacy' | 'graph' | 'shadow', timeoutMs = 150_000): Promise<LineAnswer> {
  await callApi(request, host, 'orders.dispatch', { orderLineId, draft: SMALL_DRAFT, ...(mode ? { mode } : {}) });
  return waitForLine(request, host, orderLineId, timeoutMs);
}

export async function waitForLine(request: APIRequestContext, host: RunningHost, orderLineId: string, timeoutMs = 150_000): Promise<LineAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await callApi<LineAnswer>(request, host, 'orders.line', { id: orderLineId });
    if (!['queued', 'rendering'].includes(detail.line.status)) return detail;
    if (Date.now() > deadline) throw new Error(`line ${orderLineId} is still ${detail.line.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Waits until a comparison of the output type exists (the shadow side finishes after the line); answers its id. */
export async function waitForComparison(request: APIRequestContext, host: RunningHost, outputTypeKey: string, timeoutMs = 120_000): Promise<{ id: string; verdict: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { items: comparisons } = await callApi<{ items: { id: string; verdict: string }[] }>(request, host, 'comparisons.list', { outputTypeKey });
    if (comparisons[0]) return comparisons[0];
    if (Date.now() > deadline) throw new Error(`no comparison of ${outputTypeKey} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
