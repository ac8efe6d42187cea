import { Button, Group, Stack, Text } from '@mantine/core';
import { Modal } from '../../ui/Modal';

/** A mode change that changes what is published (graph) or stops the comparisons (back to legacy): asked before it is sent. */
export type RiskyMode = 'graph' | 'legacy';

const TITLE: Record<RiskyMode, (target: string) => string> = {
  graph: (t) => `Enable graph for ${t}?`,
  legacy: (t) => `Roll ${t} back to legacy?`,
};

const ACTION: Record<RiskyMode, string> = { graph: 'Enable graph', legacy: 'Roll back to legacy' };

export function ConfirmMode({ mode, target, consequence, reason, onConfirm, onCancel }: {
  mode: RiskyMode | null;
  target: string;
  /** What happens on the next dispatch, in words. */
  consequence: string;
  reason?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal open={mode !== null} onClose={onCancel} title={mode ? TITLE[mode](target) : ''} size="md">
      {mode && (
        <Stack gap="sm">
          <Text>{consequence}</Text>
          <Text>{mode === 'graph' ? 'Rolling back to legacy stays one click away.' : 'The workflow, its shadow comparisons and approvals are kept; graph can be enabled again later.'}</Text>
          {reason !== undefined && <Text>Reason recorded in the mode log: {reason.trim() || 'none given'}.</Text>}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button color={mode === 'legacy' ? 'orange' : undefined} onClick={onConfirm} data-autofocus>
              {ACTION[mode]}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
