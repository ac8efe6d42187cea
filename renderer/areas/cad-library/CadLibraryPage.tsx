import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { CadFile } from '../../../shared/cad/api';
import { useClient, useConnection } from '../../app/services';
import { Modal } from '../../ui/Modal';
import { useSearchQuery } from '../../ui/use-search-query';
import { SearchField } from '../../ui/SearchField';
import { CadDetails } from './CadDetails';
import { CadTable } from './CadTable';
import { ImportPanel } from './ImportPanel';
import { useCadLibrary, useCadLibraryModel } from './cad-store';

/** Asks before deleting: the file and everything the ingest made of it go. */
function DeleteDialog({ cad, onClose }: { cad: CadFile | null; onClose: () => void }) {
  const model = useCadLibraryModel();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    if (!cad) return;
    setBusy(true);
    const refused = await model.remove(cad.id);
    setBusy(false);
    onClose();
    if (refused) notifications.show({ color: 'red', title: `${cad.name} was not deleted`, message: refused });
    else notifications.show({ title: `${cad.name} deleted`, message: 'The file and what its ingest made are gone from the library.' });
  };
  return (
    <Modal open={cad !== null} onClose={onClose} title={`Delete ${cad?.name ?? ''}?`} size="md">
      <Stack gap="sm">
        <Text>The library&apos;s copy of the file, its converted model and its thumbnail are removed. Its ingest runs stay in Runs. A file used by order lines is not deleted.</Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button color="red.9" loading={busy} onClick={() => void confirm()}>
            Delete the file
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The CAD library: import (picker or drop), live ingest status, thumbnails and metadata; retry or delete a file. */
export function CadLibraryPage() {
  const model = useCadLibraryModel();
  const library = useCadLibrary((s) => s.files);
  const libraryLoaded = useCadLibrary((s) => s.loaded);
  const search = useCadLibrary((s) => s.search);
  // Under a search the table shows what it found; the whole library stays read for the order form and the import panel.
  const files = search ? search.files : library;
  const loaded = search ? search.loaded : libraryLoaded;
  const hasMore = useCadLibrary((s) => (s.search ? s.search.cursor : s.cursor) !== null);
  const error = useCadLibrary((s) => s.error);
  const epoch = useConnection((s) => s.epoch);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<CadFile | null>(null);
  const tableRef = useRef<HTMLDivElement>(null);

  const { text, query: q, setQuery } = useSearchQuery();
  // Another search starts the list over from its first page.
  useEffect(() => {
    if (epoch > 0) model.setSearch(q);
  }, [model, epoch, q]);

  // Read the library on open and after every reconnect (events may have been missed meanwhile).
  useEffect(() => {
    if (epoch > 0) void model.refresh();
  }, [model, epoch]);

  const selected = files.find((f) => f.id === selectedId) ?? null;

  const select = (id: string) => {
    setSelectedId(id);
    // Put the keyboard on the panel that just opened.
    requestAnimationFrame(() => document.getElementById(`cad-details-${id}`)?.focus());
  };
  const close = () => {
    const label = selected ? `Details of ${selected.name}` : null;
    setSelectedId(null);
    // Back to the button that opened the panel.
    if (label) {
      requestAnimationFrame(() => {
        const buttons = tableRef.current?.querySelectorAll<HTMLElement>('button[aria-label]') ?? [];
        Array.from(buttons).find((b) => b.getAttribute('aria-label') === label)?.focus();
      });
    }
  };

  // Counted on the backend over the whole library (cad.summary), read again shortly after rows change.
  const client = useClient();
  const [counts, setCounts] = useState<{ total: number; ready: number; ingesting: number; failed: number } | null>(null);
  useEffect(() => {
    if (!libraryLoaded) return;
    let live = true;
    const timer = setTimeout(() => void client.call('cad.summary', {}).then((c) => live && setCounts(c), () => undefined), 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, libraryLoaded, library]);

  return (
    <>
      <Title order={1} tabIndex={-1}>
        CAD library
      </Title>
      <Text className="lede">
        CAD models (STEP/STP, STL, OBJ, glTF/GLB) imported for rendering. Each is converted to one normalized scene with its part names and colors,
        measured, and given a thumbnail.
      </Text>
      <ImportPanel />
      <Title order={2} mt="lg" mb="xs">
        Library
      </Title>
      <form aria-label="Search CAD files" role="search" onSubmit={(e) => e.preventDefault()}>
        <Group gap="sm" align="flex-end" mb="xs">
          <SearchField value={text} onChange={setQuery} description="file name or id" />
        </Group>
      </form>
      <Text role="status" c="dimmed" size="sm" mb="xs" mih={20}>
        {search && loaded && !error ? `${files.length}${hasMore ? '+' : ''} ${files.length === 1 && !hasMore ? 'file matches' : 'files match'} “${search.q}”` : ''}
      </Text>
      {error && (
        <Alert role="alert" color="red" variant="light" mb="sm">
          <Text c="var(--fail)">{error}</Text>
        </Alert>
      )}
      {!loaded && !error && <Text role="status">{search ? 'Searching the library…' : 'Reading the library…'}</Text>}
      {loaded && files.length === 0 && !search && <Text>No CAD files yet. Import one above.</Text>}
      {loaded && files.length === 0 && search && !hasMore && (
        <Group gap="sm" mb="xs">
          <Text>No CAD file matches “{search.q}”. The search reads file names and ids.</Text>
          <Button variant="default" onClick={() => setQuery('')}>
            Clear search
          </Button>
        </Group>
      )}
      {files.length > 0 && (
        <>
          {counts && (
            <Text c="dimmed" mb="xs">
              {search ? 'The whole library: ' : ''}
              {counts.total} {counts.total === 1 ? 'file' : 'files'}: {counts.ready} ready, {counts.ingesting} ingesting, {counts.failed} failed.
            </Text>
          )}
          <div ref={tableRef}>
            <CadTable files={files} total={search ? null : (counts?.total ?? null)} selected={selectedId} onSelect={select} onDelete={setDeleting} />
          </div>
        </>
      )}
      {selected && <CadDetails cad={selected} onClose={close} />}
      <DeleteDialog cad={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
