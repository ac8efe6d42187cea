import { useEffect, useState } from 'react';
import { Alert, Button, Group, List, NativeSelect, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { z } from 'zod';
import type { WorkflowRevisionSchema, WorkflowSummary } from '../../../shared/workflow/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { diffDocuments, showValue, type DocumentDiff } from './doc-diff';
import { formatTime } from '../../ui/format-time';

type Revision = z.infer<typeof WorkflowRevisionSchema>;

/** A workflow's revisions, a readable diff between any two, and restore (saved as a new revision). */
export function RevisionsPanel({ workflow, onRestored }: { workflow: WorkflowSummary; onRestored: (revision: number) => void }) {
  const client = useClient();
  const [revisions, setRevisions] = useState<Revision[] | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [docs, setDocs] = useState<{ a: WorkflowDocument; b: WorkflowDocument } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client.call('workflows.revisions', { id: workflow.id }).then(
      ({ revisions }) => {
        if (!live) return;
        setRevisions(revisions);
        setTo(revisions[0]?.revision ?? null);
        setFrom(revisions[1]?.revision ?? revisions[0]?.revision ?? null);
      },
      (e: unknown) => live && setError(`The revisions could not be read: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [client, workflow.id, workflow.revision]);

  useEffect(() => {
    if (from === null || to === null) return;
    let live = true;
    Promise.all([client.call('workflows.get', { id: workflow.id, revision: from }), client.call('workflows.get', { id: workflow.id, revision: to })]).then(
      ([a, b]) => live && setDocs({ a, b }),
      (e: unknown) => live && setError(`The revisions could not be compared: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [client, workflow.id, from, to]);

  const restore = async (revision: number) => {
    setError(null);
    setStatus(null);
    try {
      const old = await client.call('workflows.get', { id: workflow.id, revision });
      const current = await client.call('workflows.get', { id: workflow.id });
      const r = await client.call('workflows.save', { document: { ...old, revision: current.revision }, note: `restored revision ${revision}` });
      setStatus(`Restored revision ${revision} as revision ${r.document.revision}.`);
      onRestored(r.document.revision);
    } catch (e) {
      setError(`Revision ${revision} could not be restored: ${errorText(e)}`);
    }
  };

  const choice = (label: string, value: number | null, set: (n: number) => void) => (
    <NativeSelect label={label} value={value ?? ''} onChange={(e) => set(Number(e.currentTarget.value))}>
      {(revisions ?? []).map((r) => (
        <option key={r.revision} value={r.revision}>
          Revision {r.revision}
        </option>
      ))}
    </NativeSelect>
  );

  return (
    <Stack gap="sm">
      {error && (
        <Alert color="red" p="xs">
          {error}
        </Alert>
      )}
      {status && (
        <Text role="status" size="sm" c="var(--ok)">
          {status}
        </Text>
      )}
      {!revisions && !error && <Text role="status">Reading the revisions…</Text>}
      {revisions && (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label={`Revisions of ${workflow.name}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th ta="right">Revision</Table.Th>
                <Table.Th>Saved</Table.Th>
                <Table.Th>Note</Table.Th>
                <Table.Th ta="right">Nodes</Table.Th>
                <Table.Th ta="right">Edges</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {revisions.map((r, i) => (
                <Table.Tr key={r.revision}>
                  <Table.Th scope="row" ta="right" fw={400}>
                    {r.revision}
                  </Table.Th>
                  <Table.Td className="nowrap">{formatTime(r.savedAt)}</Table.Td>
                  <Table.Td>{r.note ?? ''}</Table.Td>
                  <Table.Td ta="right">{r.nodeCount}</Table.Td>
                  <Table.Td ta="right">{r.edgeCount}</Table.Td>
                  <Table.Td>
                    {i === 0 ? (
                      <Text span c="dimmed" size="sm">
                        current
                      </Text>
                    ) : (
                      <Button variant="default" onClick={() => void restore(r.revision)}>
                        Restore revision {r.revision}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {revisions && revisions.length > 1 && (
        <section aria-label="Compare revisions">
          <Title order={3} mb={4}>
            Compare
          </Title>
          <Group gap="md" mb="xs">
            {choice('From revision', from, setFrom)}
            {choice('To revision', to, setTo)}
          </Group>
          {docs && <DiffView diff={diffDocuments(docs.a, docs.b)} from={from} to={to} />}
        </section>
      )}
    </Stack>
  );
}

export function DiffView({ diff, from, to }: { diff: DocumentDiff; from: number | null; to: number | null }) {
  return (
    <div role="region" aria-label={`Changes from revision ${from} to revision ${to}`}>
      {diff.empty && <Text size="sm">No differences.</Text>}
      <List size="sm" spacing={2}>
        {diff.name && (
          <List.Item>
            Name: {showValue(diff.name.before)} → {showValue(diff.name.after)}
          </List.Item>
        )}
        {diff.executionMode && (
          <List.Item>
            Execution mode: {String(diff.executionMode.before)} → {String(diff.executionMode.after)}
          </List.Item>
        )}
        {diff.nodesAdded.map((n) => (
          <List.Item key={`+${n.id}`} c="var(--ok)">
            Node added: {n.id} ({n.type})
          </List.Item>
        ))}
        {diff.nodesRemoved.map((n) => (
          <List.Item key={`-${n.id}`} c="var(--fail)">
            Node removed: {n.id} ({n.type})
          </List.Item>
        ))}
        {diff.nodesChanged.map((n) => (
          <List.Item key={`~${n.id}`}>
            Node changed: {n.id} ({n.type})
            <List size="sm" withPadding>
              {n.changes.map((c) => (
                <List.Item key={c.path}>
                  {c.path}: {showValue(c.before)} → {showValue(c.after)}
                </List.Item>
              ))}
              {n.moved && <List.Item>moved on the canvas</List.Item>}
            </List>
          </List.Item>
        ))}
        {diff.edgesAdded.map((e) => (
          <List.Item key={`+e${e}`} c="var(--ok)">
            Edge added: {e}
          </List.Item>
        ))}
        {diff.edgesRemoved.map((e) => (
          <List.Item key={`-e${e}`} c="var(--fail)">
            Edge removed: {e}
          </List.Item>
        ))}
        {diff.parametersAdded.map((p) => (
          <List.Item key={`+p${p}`}>Parameter added: {p}</List.Item>
        ))}
        {diff.parametersRemoved.map((p) => (
          <List.Item key={`-p${p}`}>Parameter removed: {p}</List.Item>
        ))}
        {diff.parametersChanged.map((p) => (
          <List.Item key={`~p${p}`}>Parameter changed: {p}</List.Item>
        ))}
        {diff.metadataChanged && <List.Item>Metadata changed</List.Item>}
      </List>
    </div>
  );
}
