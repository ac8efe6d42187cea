import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useBlocker, type Blocker } from 'react-router';

/**
 * Holds in-app navigation away from an editor with unsaved changes, and asks the browser to
 * confirm closing the tab (headless host only: in Electron a beforeunload veto silently keeps
 * the window open).
 */
export function useLeaveGuard(dirty: boolean, guardUnload: boolean): Blocker {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty || !guardUnload) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty, guardUnload]);
  return blocker;
}

export function LeaveWorkflowDialog({ blocker }: { blocker: Blocker }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const blocked = blocker.state === 'blocked';
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
      <p id={textId}>This workflow has changes that are not saved. If you leave now, they are lost.</p>
      <div className="actions">
        <button type="button" className="primary" autoFocus onClick={() => answer('stay')}>
          Stay in the editor
        </button>
        <button type="button" className="danger" onClick={() => answer('leave')}>
          Leave without saving
        </button>
      </div>
    </dialog>
  );
}

/** A modal dialog driven by `open`; Escape or the close button calls onClose. */
export function Modal({ open, onClose, title, children, className }: { open: boolean; onClose: () => void; title: string; children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {open && children}
    </dialog>
  );
}
