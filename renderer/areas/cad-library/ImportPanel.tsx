import { useEffect, useRef, useState, type DragEvent } from 'react';
import { Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import type { CadFile } from '../../../shared/cad/api';
import { useCadLibrary, useCadLibraryModel, type UploadItem } from './cad-store';
import { formatBytes } from './format';
import { bundleStepAssemblies } from '../../../shared/cad/assembly-bundle';

const ACCEPT = '.step,.stp,.igs,.iges,.brep,.brp,.zip,.stl,.obj,.gltf,.glb,.3mf,.3dm,.ply,.fbx,.dae';

/** Several STEP files that form one multi-file assembly are uploaded as one zip (shared/cad/assembly-bundle). */
async function withAssembliesBundled(files: File[]): Promise<File[]> {
  if (files.filter((f) => /\.(stp|step|p21)$/i.test(f.name)).length < 2) return files;
  const picked = await Promise.all(files.map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()), file })));
  return bundleStepAssemblies(picked).map((p) => ('file' in p ? (p.file as File) : new File([p.bytes as Uint8Array<ArrayBuffer>], p.name, { type: 'application/zip' })));
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes('Files');
}

/** What an upload says now: its own phase, then the ingest status of the library entry it became. */
function uploadStatus(item: UploadItem, cad: CadFile | undefined): { text: string; tone: 'ok' | 'fail' | 'busy' | 'muted' } {
  switch (item.phase) {
    case 'waiting':
      return { text: 'Waiting', tone: 'muted' };
    case 'uploading':
      return { text: `Uploading: ${item.bytes > 0 ? Math.floor((item.sent / item.bytes) * 100) : 0}%`, tone: 'busy' };
    case 'finishing':
      return { text: 'Storing', tone: 'busy' };
    case 'failed':
      return { text: `Not imported: ${item.error ?? 'unknown error'}`, tone: 'fail' };
    case 'done': {
      const again = item.created === false ? ' (already in the library)' : '';
      if (!cad || cad.status === 'ingesting') return { text: `Uploaded, ingesting${again}`, tone: 'busy' };
      if (cad.status === 'failed') return { text: `Ingest failed: ${cad.error ?? 'unknown error'}`, tone: 'fail' };
      return { text: `Ready${again}`, tone: 'ok' };
    }
  }
}

const TONE_COLOR = { ok: 'var(--ok)', fail: 'var(--fail)', busy: 'var(--text)', muted: 'var(--muted)' } as const;

function UploadRow({ item }: { item: UploadItem }) {
  const cad = useCadLibrary((s) => (item.cadFileId ? s.files.find((f) => f.id === item.cadFileId) : undefined));
  const status = uploadStatus(item, cad);
  const uploading = item.phase === 'waiting' || item.phase === 'uploading' || item.phase === 'finishing';
  return (
    <li className="upload">
      <Text span fw={600} style={{ overflowWrap: 'anywhere' }}>
        {item.fileName}
      </Text>
      <Text span c="dimmed">
        {formatBytes(item.bytes)}
      </Text>
      <progress max={item.bytes || 1} value={item.phase === 'done' ? item.bytes || 1 : item.sent} aria-label={`Upload of ${item.fileName}`} aria-busy={uploading} />
      <Group gap={6} wrap="nowrap">
        {status.tone === 'busy' && <Loader size={12} aria-hidden="true" />}
        <Text span fw={status.tone === 'ok' ? 600 : undefined} c={TONE_COLOR[status.tone]} style={{ overflowWrap: 'anywhere' }}>
          {status.text}
        </Text>
      </Group>
    </li>
  );
}

/** The file picker and the drop zone, and every upload of this session with its progress. */
export function ImportPanel() {
  const model = useCadLibraryModel();
  const uploads = useCadLibrary((s) => s.uploads);
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  // A file dropped beside the zone must not make the window navigate away to it.
  useEffect(() => {
    const stop = (event: globalThis.DragEvent) => {
      if (event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);

  const onDragEnter = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth.current += 1;
    setDragging(true);
  };
  const onDragOver = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    void withAssembliesBundled(Array.from(event.dataTransfer.files)).then((files) => model.upload(files));
  };

  const active = uploads.filter((u) => u.phase === 'waiting' || u.phase === 'uploading' || u.phase === 'finishing').length;
  const finished = uploads.length - active;

  return (
    <section aria-labelledby="cad-import-heading">
      <Title order={2} id="cad-import-heading" mt="md" mb="xs">
        Import
      </Title>
      <Paper
        withBorder
        p="md"
        className="dropzone"
        data-active={dragging || undefined}
        role="group"
        aria-label="Drop zone for CAD files"
        onDragEnter={onDragEnter}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
      >
        <Group gap="sm">
          <Text>Drop STEP, IGES, STL, OBJ, glTF, 3MF or Rhino files here (an assembly's files together, or a .zip), or</Text>
          <Button onClick={() => inputRef.current?.click()}>Import CAD files…</Button>
        </Group>
        <Text size="sm" c="dimmed" mt={6}>
          Each file is stored once, by content, then ingested in the background: tessellation, metadata and a thumbnail. A failed import can be retried or
          deleted in the library below.
        </Text>
        <input
          ref={inputRef}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          aria-label="CAD files to import"
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            event.target.value = '';
            void withAssembliesBundled(files).then((bundled) => model.upload(bundled));
          }}
        />
      </Paper>
      <Text role="status" c="dimmed" mt={4}>
        {active > 0 ? `Importing ${active} ${active === 1 ? 'file' : 'files'}…` : ''}
      </Text>
      {uploads.length > 0 && (
        <Stack gap={6} align="flex-start">
          <ul className="upload-list" aria-label="Uploads">
            {uploads.map((item) => (
              <UploadRow key={item.key} item={item} />
            ))}
          </ul>
          {finished > 0 && (
            <Button variant="default" onClick={() => model.clearFinishedUploads()}>
              Clear finished uploads
            </Button>
          )}
        </Stack>
      )}
    </section>
  );
}
