import { useEffect, useId } from 'react';
import { Button, Group, Modal, Text } from '@mantine/core';
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
  const textId = useId();
  const blocked = blocker.state === 'blocked';
  const answer = (choice: 'stay' | 'leave') => {
    if (choice === 'stay') blocker.reset?.();
    else blocker.proceed?.();
  };
  return (
    <Modal
      opened={blocked}
      onClose={() => answer('stay')}
      title="Leave without saving?"
      withCloseButton={false}
      size="md"
      // No exit animation: until it ends the modal keeps the page inert, and a keystroke meant for
      // the form would be lost.
      transitionProps={{ duration: 0 }}
      aria-describedby={textId}
      styles={{ title: { fontWeight: 600, fontSize: 15 } }}
    >
      <Text id={textId} mb="md">
        {text}
      </Text>
      <Group gap="xs">
        <Button data-autofocus onClick={() => answer('stay')}>
          {stayLabel}
        </Button>
        <Button variant="outline" color="red" onClick={() => answer('leave')}>
          Leave without saving
        </Button>
      </Group>
    </Modal>
  );
}
