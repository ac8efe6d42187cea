import { useEffect, useId, useRef } from 'react';
import { useBlocker, type Blocker } from 'react-router';

/**
 * Holds in-app navigation while there are unsaved changes, and asks the browser to confirm closing
 * the tab. Not in Electron: there a beforeunload veto silently keeps the window from closing.
 */
export function useUnsavedChangesGuard(dirty: boolean, guardUnload: boolean): Blocker {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty || !guardUnload) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty, guardUnload]);
  return blocker;
}

/** Modal question shown while a navigation is held; Escape means stay. The wording is the page's. */
export function LeaveDialog({
  blocker,
  text = 'Some settings on this page are changed but not saved. If you leave now, those changes are lost.',
  stayLabel = 'Stay on this page',
}: {
  blocker: Blocker;
  text?: string;
  stayLabel?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const blocked = blocker.state === 'blocked';

  // Close right away rather than after the next render: until then the modal keeps the page inert,
  // and a keystroke meant for the form would be lost.
  const answer = (choice: 'stay' | 'leave') => {
    ref.current?.close();
    if (choice === 'stay') blocker.reset?.();
    else blocker.proceed?.();
  };

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (blocked && !dialog.open) dialog.showModal();
    if (!blocked && dialog.open) dialog.close();
  }, [blocked]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      onCancel={(event) => {
        event.preventDefault();
        answer('stay');
      }}
    >
      <h2 id={titleId}>Leave without saving?</h2>
      <p id={textId}>{text}</p>
      <div className="actions">
        <button type="button" className="primary" autoFocus onClick={() => answer('stay')}>
          {stayLabel}
        </button>
        <button type="button" className="danger" onClick={() => answer('leave')}>
          Leave without saving
        </button>
      </div>
    </dialog>
  );
}
