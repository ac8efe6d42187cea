import { memo, useCallback, useRef } from 'react';
import { Button, Group, Table, Text } from '@mantine/core';
import { useVirtualRows } from '../../ui/paged/use-virtual-rows';
import type { CadFile } from '../../../shared/cad/api';
import { CadStatusTag } from './CadStatusTag';
import { CadThumbnail } from './CadThumbnail';
import { formatBoundingBox, formatBytes, formatCount, formatLabel, partCount, triangleCount } from './format';
import { useCadLibrary, useCadLibraryModel } from './cad-store';

function RowActions({ cad, selected, onSelect, onDelete }: { cad: CadFile; selected: boolean; onSelect: (id: string) => void; onDelete: (cad: CadFile) => void }) {
  const model = useCadLibraryModel();
  const busy = useCadLibrary((s) => Boolean(s.busy[cad.id]));
  return (
    <Group gap={4} wrap="nowrap">
      {cad.status === 'failed' && (
        <Button variant="default" disabled={busy} aria-label={`Retry ${cad.name}`} onClick={() => void model.retry(cad.id)}>
          Retry
        </Button>
      )}
      {cad.status !== 'ingesting' && (
        <Button variant="default" disabled={busy} aria-label={`Delete ${cad.name}`} onClick={() => onDelete(cad)}>
          Delete
        </Button>
      )}
      <Button variant="subtle" aria-label={`Details of ${cad.name}`} aria-pressed={selected} onClick={() => onSelect(cad.id)}>
        Details
      </Button>
    </Group>
  );
}

/** Memoized: scrolling draws new rows without drawing the rows still in view again. */
const CadRow = memo(function CadRow({ cad, index, selected, actionError, onSelect, onDelete }: { cad: CadFile; index: number; selected: boolean; actionError: string | undefined; onSelect: (id: string) => void; onDelete: (cad: CadFile) => void }) {
  return (
    <Table.Tr aria-rowindex={index + 2} aria-selected={selected} bg={selected ? 'var(--selected)' : undefined}>
      <Table.Td>
        <CadThumbnail cad={cad} size="small" />
      </Table.Td>
      <Table.Th scope="row" fw={400} style={{ overflowWrap: 'anywhere' }}>
        {cad.name}
      </Table.Th>
      <Table.Td>{formatLabel(cad)}</Table.Td>
      <Table.Td ta="right">{formatBytes(cad.bytes)}</Table.Td>
      <Table.Td maw={360}>
        <CadStatusTag status={cad.status} />
        {cad.status === 'failed' && cad.error && (
          <Text size="sm" c="var(--fail)" style={{ overflowWrap: 'anywhere' }}>
            {cad.error}
          </Text>
        )}
        {actionError && (
          <Text role="alert" size="sm" c="var(--fail)" style={{ overflowWrap: 'anywhere' }}>
            {actionError}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">{formatCount(partCount(cad))}</Table.Td>
      <Table.Td ta="right">{formatCount(triangleCount(cad))}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBoundingBox(cad)}</Table.Td>
      <Table.Td>{cad.metadata?.sourceUnits ?? '—'}</Table.Td>
      <Table.Td>
        <RowActions cad={cad} selected={selected} onSelect={onSelect} onDelete={onDelete} />
      </Table.Td>
    </Table.Tr>
  );
});

/** A row with its small thumbnail. */
const ROW_ESTIMATE = 64;

/**
 * The library: one row per CAD file, newest first. Only the rows in view of its scroll box are
 * drawn; scrolling near the end of what is read reads the next page.
 */
export function CadTable({ files, total, selected, onSelect, onDelete }: { files: CadFile[]; total: number | null; selected: string | null; onSelect: (id: string) => void; onDelete: (cad: CadFile) => void }) {
  const model = useCadLibraryModel();
  const actionErrors = useCadLibrary((s) => s.actionErrors);
  // A search pages on its own; `total` (the whole library's count) is only given when every file is listed.
  const hasMore = useCadLibrary((s) => (s.search ? s.search.cursor : s.cursor) !== null);
  const scroll = useRef<HTMLDivElement>(null);
  const more = useCallback(() => void model.loadMore(), [model]);
  const virtual = useVirtualRows({ count: files.length, scrollRef: scroll, estimate: ROW_ESTIMATE, hasMore, onNearEnd: more, getKey: (i) => files[i]?.id ?? i });
  return (
    <div ref={scroll} style={{ maxHeight: '70vh', overflow: 'auto', contain: 'content' }}>
      <Table aria-label="CAD files" aria-rowcount={total !== null ? total + 1 : hasMore ? -1 : files.length + 1} verticalSpacing={6} miw={980} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Preview</Table.Th>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Format</Table.Th>
            <Table.Th scope="col" ta="right">
              Size
            </Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col" ta="right">
              Parts
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Triangles
            </Table.Th>
            <Table.Th scope="col">Bounding box</Table.Th>
            <Table.Th scope="col">Units</Table.Th>
            <Table.Th scope="col">
              <span className="visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {virtual.before > 0 && <tr aria-hidden="true" style={{ height: virtual.before }} />}
          {virtual.rows.map(({ index, key }) => {
            const cad = files[index] as CadFile;
            return (
              <CadRow key={key} index={index} cad={cad} selected={selected === cad.id} actionError={actionErrors[cad.id]} onSelect={onSelect} onDelete={onDelete} />
            );
          })}
          {virtual.after > 0 && <tr aria-hidden="true" style={{ height: virtual.after }} />}
        </Table.Tbody>
      </Table>
    </div>
  );
}
