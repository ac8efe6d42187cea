import { useEffect, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

/** Rows drawn beyond the visible ones, so a fast scroll shows rows, not gaps. */
const OVERSCAN = 8;

export interface VirtualRows {
  /** The rows to draw: index into the list, and where it starts. */
  rows: { index: number; key: string | number; start: number }[];
  /** Heights of the spacer rows above and below the drawn ones (a <tr> each, so the table stays a table). */
  before: number;
  after: number;
}

/**
 * Only the rows in view of `scrollRef` are drawn (TanStack Virtual); when the last drawn row is
 * near the end of what is loaded and there is more, `onNearEnd` asks for the next page.
 *
 * Rows are placed by their estimated height, not measured: in an auto-layout table every newly
 * drawn row can change the column widths and so the other rows' heights, and measuring them (a
 * ResizeObserver per row) made each scroll step lay the table out several times (8 fps on the
 * Runs page in bench:lists). The spacer rows keep the drawn rows in normal flow, so a row taller
 * than the estimate only shifts the scrollbar a little; the overscan covers the difference.
 */
export function useVirtualRows(options: { count: number; scrollRef: RefObject<HTMLElement | null>; estimate: number; hasMore: boolean; onNearEnd: () => void; getKey?: (index: number) => string | number }): VirtualRows {
  const { count, scrollRef, estimate, hasMore, onNearEnd, getKey } = options;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => estimate, overscan: OVERSCAN, ...(getKey ? { getItemKey: getKey } : {}) });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && lastIndex >= count - OVERSCAN * 2) onNearEnd();
  }, [hasMore, lastIndex, count, onNearEnd]);
  const first = items[0];
  const last = items.at(-1);
  return {
    rows: items.map((i) => ({ index: i.index, key: i.key as string | number, start: i.start })),
    before: first ? first.start : 0,
    after: last ? Math.max(0, virtualizer.getTotalSize() - last.end) : 0,
  };
}
