import { useState } from 'react';
import { Alert, Button, Group, List, Paper, Radio, Stack, Table, Text } from '@mantine/core';
import type { SyncConflict } from '../../../shared/sync/api';
import { useClient } from '../../app/services';
import { READABLE_ALERT } from './alert-styles';
import { syncStore, useSync } from './sync-store';
import { conflictPlace, valueRows, valueText, type ValueRow } from './value-rows';

type Take = 'mine' | 'theirs';

/** A value cell: what a side changed from the base is marked, in colour and in words. */
function ValueCell({ value, changed }: { value: unknown; changed: boolean }) {
  return (
    <Table.Td bg={changed ? 'var(--warn-bg)' : undefined} fw={changed ? 600 : undefined}>
      <code>{valueText(value)}</code>
      {changed && (
        <Text span size="xs" c="var(--warn)" fw={400}>
          {' '}
          changed
        </Text>
      )}
    </Table.Td>
  );
}

/** One conflict: the backend's words, base / mine / theirs side by side, and the choice. */
function ConflictItem({ conflict, take, onTake }: { conflict: SyncConflict; take: Take | undefined; onTake: (t: Take) => void }) {
  const place = conflictPlace(conflict);
  const rows: ValueRow[] = valueRows(conflict);
  return (
    <Stack gap="xs" component="li">
      <Text size="sm">{conflict.message}</Text>
      <Table withTableBorder withColumnBorders aria-label={`${conflict.setting} of ${place}: base, mine and theirs`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Setting</Table.Th>
            <Table.Th scope="col">Base</Table.Th>
            <Table.Th scope="col">Mine</Table.Th>
            <Table.Th scope="col">Theirs</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key}>
              <Table.Th scope="row" fw="normal">
                <code>{r.key}</code>
              </Table.Th>
              <ValueCell value={r.base} changed={false} />
              <ValueCell value={r.mine} changed={r.mineChanged} />
              <ValueCell value={r.theirs} changed={r.theirsChanged} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Radio.Group label={`Keep for ${conflict.setting} of ${place}`} value={take ?? null} onChange={(v) => onTake(v as Take)}>
        <Group gap="lg" mt={4}>
          <Radio value="mine" label="Mine" />
          <Radio value="theirs" label="Theirs" />
        </Group>
      </Radio.Group>
    </Stack>
  );
}

/** What a conflict belongs to: its workflow, or (an output type changed on both sides) its record. */
const groupOf = (c: SyncConflict): string => (c.record ? `${c.record.kind}:${c.record.key}` : c.workflowId);
const groupTitle = (group: string, c: SyncConflict | undefined): string =>
  c?.record ? `${c.record.kind === 'output_type' ? 'Output type' : c.record.kind} ${c.record.key}` : `Workflow ${group}`;

/** The conflicts of one workflow (or output type), grouped by node, and Apply once each has a choice. */
function WorkflowConflicts({ workflowId, conflicts }: { workflowId: string; conflicts: SyncConflict[] }) {
  const client = useClient();
  const applying = useSync((s) => s.applying);
  const [choices, setChoices] = useState<Record<string, Take>>(() => Object.fromEntries(conflicts.flatMap((c) => (c.take ? [[c.id, c.take]] : []))));
  const places = [...new Set(conflicts.map(conflictPlace))];
  const title = groupTitle(workflowId, conflicts[0]);
  const anchor = `sync-wf-${workflowId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const missing = conflicts.filter((c) => !choices[c.id]).length;
  const apply = () => {
    // Conflicts already recorded with the same choice go again harmlessly; the last call applies them all.
    const list = conflicts.map((c) => ({ id: c.id, take: choices[c.id] as Take }));
    void syncStore(client).getState().apply(workflowId, list);
  };
  return (
    <Paper withBorder p="md" mb="md" component="section" aria-labelledby={anchor}>
      <h3 id={anchor}>{title}</h3>
      {places.map((place) => (
        <div key={place}>
          <h4>{place.charAt(0).toUpperCase() + place.slice(1)}</h4>
          <Stack component="ul" gap="md" p={0} mb="md" style={{ listStyle: 'none' }}>
            {conflicts
              .filter((c) => conflictPlace(c) === place)
              .map((c) => (
                <ConflictItem key={c.id} conflict={c} take={choices[c.id]} onTake={(t) => setChoices((s) => ({ ...s, [c.id]: t }))} />
              ))}
          </Stack>
        </div>
      ))}
      <Group gap="sm">
        <Button onClick={apply} disabled={missing > 0 || applying !== null} loading={applying === workflowId}>
          Apply choices to {title.replace(/^Workflow /, '')}
        </Button>
        {missing > 0 && (
          <Text size="sm" c="dimmed">
            {missing} item{missing === 1 ? '' : 's'} without a choice
          </Text>
        )}
      </Group>
    </Paper>
  );
}

/** What the last Apply came to: the merge validated and saved, or what is still open (by path). */
function ApplyOutcomeView() {
  const applied = useSync((s) => s.applied);
  if (!applied) return null;
  const { workflowId, result, error } = applied;
  if (error) {
    return (
      <Alert styles={READABLE_ALERT} role="alert" color="red" variant="light" title={`The choices for ${workflowId} were not applied`} mb="md">
        {error}
      </Alert>
    );
  }
  if (result?.saved) {
    return (
      <Alert styles={READABLE_ALERT} role="status" color="green" variant="light" title="Merged graph validated and saved" mb="md">
        <Text size="sm" c="var(--text)">
          {workflowId}: the merge passed validation and was saved as revision {result.saved.revision} (merging {result.saved.parents.length} lines); it goes to the hub at the next sync.
        </Text>
      </Alert>
    );
  }
  const open = result?.open ?? [];
  if (result && open.length === 0) {
    return (
      <Alert styles={READABLE_ALERT} role="status" color="green" variant="light" title="Choice taken" mb="md">
        <Text size="sm" c="var(--text)">
          {workflowId}: the side you chose is kept here; it goes to the hub at the next sync.
        </Text>
      </Alert>
    );
  }
  return (
    <Alert styles={READABLE_ALERT} role="status" color="yellow" variant="light" title={`${workflowId}: not saved yet, ${open.length} item${open.length === 1 ? '' : 's'} still open`} mb="md">
      <Text size="sm" c="var(--text)">
        The merged graph is saved only once it validates; choose for what remains:
      </Text>
      <List size="sm">
        {open.map((c) => (
          <List.Item key={c.id}>
            <code>{c.path.join('.')}</code>: {c.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** Every open conflict, per workflow, per node: base / mine / theirs with the differences marked. */
export function ConflictsView() {
  const conflicts = useSync((s) => s.conflicts);
  const workflows = [...new Set(conflicts.map(groupOf))];
  return (
    <section aria-labelledby="sync-conflicts">
      <h2 id="sync-conflicts">Conflicts</h2>
      <ApplyOutcomeView />
      {workflows.length === 0 ? (
        <Text>No conflicts are open.</Text>
      ) : (
        workflows.map((id) => {
          const mine = conflicts.filter((c) => groupOf(c) === id);
          // A new set of conflicts (after Apply or a new sync) starts with fresh choices.
          return <WorkflowConflicts key={`${id}:${mine.map((c) => c.id).join(',')}`} workflowId={id} conflicts={mine} />;
        })
      )}
    </section>
  );
}
