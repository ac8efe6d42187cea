import { ApiFailure } from '../../../../shared/contract/errors';
import type { MethodName } from '../../../../shared/contract/methods';
import { MAX_PAGE_SIZE } from '../../../../shared/paging/page';
import type { Backend } from '../../app/backend';
import { EXIT_OK, UsageError, type CliIO } from '../verb';
import { positiveInt, printJson } from './production-common';

/** The paging flags every list verb takes. */
export const pageOptions = { json: { type: 'boolean' }, limit: { type: 'string' }, cursor: { type: 'string' }, all: { type: 'boolean' } } as const;
export const pageHelp: [string, string][] = [
  ['--limit N', `items per page (default 50, at most ${MAX_PAGE_SIZE})`],
  ['--cursor C', 'the page after this one: the cursor the previous page printed'],
  ['--all', 'every item, read page by page, printed as JSON lines (one object per line)'],
  ['--json', 'print the page as JSON ({ <items>, nextCursor })'],
];
export const pageUsage = '[--limit N] [--cursor C | --all] [--json]';

/**
 * A list verb's pages through the contract method (so the input is checked, and a bad cursor
 * refused, exactly as over IPC and HTTP). One page: as text lines (and the next cursor), or as
 * JSON; --all: every item as one JSON line, page after page, so a long history streams.
 */
export async function printList<T>(
  backend: Backend,
  io: CliIO,
  values: Record<string, string | boolean | undefined>,
  list: { method: MethodName; input: Record<string, unknown>; key: string; empty: string; line: (item: T) => string },
): Promise<number> {
  const limit = positiveInt(values.limit, '--limit');
  if (limit !== undefined && limit > MAX_PAGE_SIZE) throw new UsageError(`--limit must be at most ${MAX_PAGE_SIZE}, not "${String(values.limit)}"`);
  if (values.cursor !== undefined && typeof values.cursor !== 'string') throw new UsageError('--cursor needs the cursor a previous page printed');
  const page = async (cursor: string | undefined, size: number | undefined) => {
    const result = await backend.dispatch(list.method, { ...list.input, ...(size ? { limit: size } : {}), ...(cursor ? { cursor } : {}) }, { transport: 'ipc' });
    if (!result.ok) throw new ApiFailure(result.error.code, result.error.message, result.error.path);
    return result.result as { items: T[]; nextCursor: string | null };
  };
  if (values.all === true) {
    let cursor = values.cursor as string | undefined;
    do {
      const next = await page(cursor, limit ?? MAX_PAGE_SIZE);
      for (const item of next.items) io.stdout(`${JSON.stringify(item)}\n`);
      cursor = next.nextCursor ?? undefined;
    } while (cursor);
    return EXIT_OK;
  }
  const { items, nextCursor } = await page(values.cursor as string | undefined, limit);
  if (values.json === true) printJson(io, { [list.key]: items, nextCursor });
  else {
    if (items.length === 0) io.stdout(`${list.empty}\n`);
    for (const item of items) io.stdout(`${list.line(item)}\n`);
    if (nextCursor) io.stdout(`More: --cursor ${nextCursor}\n`);
  }
  return EXIT_OK;
}
