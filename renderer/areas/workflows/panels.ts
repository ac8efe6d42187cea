import { useCallback, useState } from 'react';

/** The editor's panels beside the canvas, each open or closed; the minimap shown or hidden. */
export interface PanelState {
  palette: boolean;
  side: boolean;
  minimap: boolean;
}

type Panel = keyof PanelState;

const KEY = 'lightbox.editor.panels';
/** Below this window width the canvas gets the room first: the palette and side panel start closed. */
export const WIDE_WINDOW = 1600;

function initial(): PanelState & { closedByUser: Panel[] } {
  const wide = typeof window === 'undefined' || window.innerWidth >= WIDE_WINDOW;
  const fallback = { palette: wide, side: wide, minimap: true, closedByUser: [] as Panel[] };
  try {
    const saved = JSON.parse(window.localStorage.getItem(KEY) ?? 'null') as (Partial<PanelState> & { closedByUser?: unknown }) | null;
    if (!saved || typeof saved !== 'object') return fallback;
    return {
      palette: typeof saved.palette === 'boolean' ? saved.palette : fallback.palette,
      side: typeof saved.side === 'boolean' ? saved.side : fallback.side,
      minimap: typeof saved.minimap === 'boolean' ? saved.minimap : fallback.minimap,
      closedByUser: Array.isArray(saved.closedByUser) ? saved.closedByUser.filter((p): p is Panel => p === 'palette' || p === 'side' || p === 'minimap') : [],
    };
  } catch {
    return fallback;
  }
}

/**
 * Which panels are open. A toggle is the user's choice and is kept (localStorage) for the next
 * editor, a panel the user closed included; `openPanel(p, false)` opens a panel for the app (a selection shows its settings) unless
 * the user closed it in this editor.
 */
export function usePanels() {
  const [state, setState] = useState(initial);
  const save = (next: PanelState & { closedByUser: Panel[] }) => {
    try {
      window.localStorage.setItem(KEY, JSON.stringify({ palette: next.palette, side: next.side, minimap: next.minimap, closedByUser: next.closedByUser }));
    } catch {
      // Storage refused (private mode): the choice holds for this editor only.
    }
  };
  const toggle = useCallback((p: Panel) => {
    setState((s) => {
      const next = { ...s, [p]: !s[p], closedByUser: s[p] ? [...s.closedByUser.filter((x) => x !== p), p] : s.closedByUser.filter((x) => x !== p) };
      save(next);
      return next;
    });
  }, []);
  /** `byUser`: the user asked for it (a shortcut, the Parameters button), so it opens even if they closed it. */
  const openPanel = useCallback((p: Panel, byUser: boolean) => {
    setState((s) => {
      if (s[p] || (!byUser && s.closedByUser.includes(p))) return s;
      return { ...s, [p]: true };
    });
  }, []);
  return { palette: state.palette, side: state.side, minimap: state.minimap, toggle, openPanel };
}
