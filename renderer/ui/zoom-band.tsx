import { useLayoutEffect, type RefObject } from 'react';
import { useStore } from '@xyflow/react';

export type ZoomBandName = 'near' | 'mid' | 'far' | 'farther' | 'overview';

/**
 * Semantic zoom of a React Flow canvas, by zoom band: at `near` nodes are drawn in full; below it
 * the canvas element's `data-zoom` makes nodes show their title (and status) large enough to stay
 * at least 11 px on screen down to the band's lowest zoom (styles.css). Below 0.25 no text of a
 * node's width could be read: `overview` draws the nodes as boxes, which also keeps panning a
 * large graph cheap.
 */
export function zoomBand(zoom: number): ZoomBandName {
  return zoom >= 0.8 ? 'near' : zoom >= 0.55 ? 'mid' : zoom >= 0.4 ? 'far' : zoom >= 0.25 ? 'farther' : 'overview';
}

/**
 * Writes the band on `target` as `data-zoom`. One selector for the whole canvas (re-run by React
 * Flow's store on a viewport change); it writes only when the band changes, and no node is drawn
 * again for it. Render inside <ReactFlow>.
 */
export function ZoomBand({ target }: { target: RefObject<HTMLElement | null> }) {
  const band = useStore((s) => zoomBand(s.transform[2]));
  useLayoutEffect(() => {
    target.current?.setAttribute('data-zoom', band);
  }, [band, target]);
  return null;
}
