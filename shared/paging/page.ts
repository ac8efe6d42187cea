import { z } from 'zod';

/** A first page small enough to answer in milliseconds and well under 100 KB. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * What every paged list method takes beside its own filters: how many items, where to go on
 * (the nextCursor of the previous page, opaque), and a text search.
 */
export const PageFields = {
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  /** The nextCursor a previous page answered; absent for the first page. */
  cursor: z.string().min(1).max(400).optional(),
  /** Text search (case-insensitive, anywhere in the searched fields). */
  q: z.string().trim().max(200).optional(),
};

/** One page of a list, newest first: nextCursor is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
