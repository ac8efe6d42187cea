import { Button, Group, List, Paper, Table, Text, Title } from '@mantine/core';
import type { CadFile } from '../../../shared/cad/api';
import { CadStatusTag } from './CadStatusTag';
import { CadThumbnail } from './CadThumbnail';
import { boundingBox, formatBoundingBox, formatBytes, formatCount, formatLabel, formatPoint, ingestNotes, partCount, triangleCount } from './format';
import { formatTime } from '../../ui/format-time';

const MAX_PARTS_SHOWN = 1000;

/** Everything the ingest learned about one CAD file, part names included. */
export function CadDetails({ cad, onClose }: { cad: CadFile; onClose: () => void }) {
  const box = boundingBox(cad);
  const parts = cad.metadata?.parts ?? [];
  const notes = ingestNotes(cad);
  const headingId = `cad-details-${cad.id}`;
  return (
    <Paper component="section" withBorder p="sm" mt="md" bg="var(--panel-soft)" aria-labelledby={headingId}>
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Title order={2} id={headingId} tabIndex={-1} style={{ outline: 'none', overflowWrap: 'anywhere' }}>
          {cad.name}
        </Title>
        <Button variant="default" onClick={onClose} aria-label={`Close details of ${cad.name}`}>
          Close
        </Button>
      </Group>
      <Group align="flex-start" gap="lg">
        <CadThumbnail cad={cad} size="large" />
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <CadStatusTag status={cad.status} />
          </dd>
          {cad.error && (
            <>
              <dt>Error</dt>
              <Text component="dd" c="var(--fail)" style={{ overflowWrap: 'anywhere' }}>
                {cad.error}
              </Text>
            </>
          )}
          <dt>Format</dt>
          <dd>{formatLabel(cad)}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(cad.bytes)}</dd>
          <dt>Source units</dt>
          <dd>{cad.metadata?.sourceUnits ?? '—'}</dd>
          <dt>Parts</dt>
          <dd>{formatCount(partCount(cad))}</dd>
          <dt>Triangles</dt>
          <dd>{formatCount(triangleCount(cad))}</dd>
          <dt>Bounding box</dt>
          <dd>
            {formatBoundingBox(cad)}
            {box?.min && box.max && (
              <Text span c="dimmed">
                {' '}
                from {formatPoint(box.min)} to {formatPoint(box.max)}
              </Text>
            )}
          </dd>
          <dt>SHA-256</dt>
          <dd>
            <code>{cad.sha256}</code>
          </dd>
          <dt>Imported</dt>
          <dd>{formatTime(cad.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatTime(cad.updatedAt)}</dd>
        </dl>
      </Group>
      {notes.length > 0 && (
        <>
          <Title order={3} mt="md" mb={4}>
            Notes
          </Title>
          <List>
            {notes.map((note) => (
              <List.Item key={note}>{note}</List.Item>
            ))}
          </List>
        </>
      )}
      <Title order={3} mt="md" mb={4}>
        Parts
      </Title>
      {parts.length === 0 ? (
        <Text c="dimmed">{cad.status === 'ready' ? 'No parts.' : 'Known once the ingest has finished.'}</Text>
      ) : (
        <>
          <Table aria-label={`Parts of ${cad.name}`} maw={640}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col" ta="right" w={60}>
                  #
                </Table.Th>
                <Table.Th scope="col">Part name</Table.Th>
                <Table.Th scope="col" ta="right">
                  Triangles
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {parts.slice(0, MAX_PARTS_SHOWN).map((part, index) => (
                <Table.Tr key={index}>
                  <Table.Td ta="right">{index + 1}</Table.Td>
                  <Table.Td>
                    {part.name || (
                      <Text span c="dimmed">
                        (unnamed)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{formatCount(part.triangles)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {parts.length > MAX_PARTS_SHOWN && (
            <Text c="dimmed">
              Showing the first {MAX_PARTS_SHOWN} of {parts.length} parts.
            </Text>
          )}
        </>
      )}
    </Paper>
  );
}
