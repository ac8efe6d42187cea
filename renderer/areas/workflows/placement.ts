/**
 * Where a node added from the palette goes: a spot where it overlaps no other node, near where
 * the user looks (right of the selection, else the middle of the visible canvas), inside the
 * visible canvas when there is room there. Flow coordinates throughout.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room kept between two nodes, so their ports and edges stay clear. */
export const GAP = 30;

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;
const inside = (a: Box, view: Box) => a.x >= view.x && a.y >= view.y && a.x + a.width <= view.x + view.width && a.y + a.height <= view.y + view.height;

/** Offsets on a grid of node-sized steps, nearest first (to the right and down before left and up). */
function gridOffsets(reach: number): { i: number; j: number }[] {
  const out: { i: number; j: number }[] = [];
  for (let i = -reach; i <= reach; i += 1) for (let j = -reach; j <= reach; j += 1) out.push({ i, j });
  const cost = ({ i, j }: { i: number; j: number }) => Math.abs(i) + Math.abs(j) + (i < 0 ? 0.5 : 0) + (j < 0 ? 0.25 : 0);
  return out.sort((a, b) => cost(a) - cost(b));
}

const OFFSETS = gridOffsets(6);

/**
 * The top-left corner for a node of `size`: near `selection` (to its right) or the centre of
 * `view`, never overlapping `boxes`. Spots inside `view` come first; if none is free, the first free
 * spot at all; if even that fails (a crowded graph), right of every node.
 */
export function placeNode(boxes: readonly Box[], size: { width: number; height: number }, view: Box, selection: readonly Box[]): { x: number; y: number } {
  const start =
    selection.length > 0
      ? { x: Math.max(...selection.map((b) => b.x + b.width)) + GAP * 2, y: Math.min(...selection.map((b) => b.y)) }
      : { x: view.x + view.width / 2 - size.width / 2, y: view.y + view.height / 2 - size.height / 2 };
  const stepX = size.width + GAP * 2;
  const stepY = size.height + GAP;
  const candidates = OFFSETS.map(({ i, j }) => ({ x: Math.round(start.x + i * stepX), y: Math.round(start.y + j * stepY), width: size.width, height: size.height }));
  const free = (c: Box) => !boxes.some((b) => overlaps(c, b));
  const spot = candidates.find((c) => inside(c, view) && free(c)) ?? candidates.find(free);
  if (spot) return { x: spot.x, y: spot.y };
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  return { x: Math.round(right + GAP * 2), y: Math.round(start.y) };
}
