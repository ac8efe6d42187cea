import { useEffect, useRef, useState } from 'react';
import { useConnection } from '../../app/services';
import { CadDetails } from './CadDetails';
import { CadTable } from './CadTable';
import { ImportPanel } from './ImportPanel';
import { useCadLibrary, useCadLibraryModel } from './cad-store';

/** The CAD library: import (picker or drop), live ingest status, thumbnails and metadata. */
export function CadLibraryPage() {
  const model = useCadLibraryModel();
  const files = useCadLibrary((s) => s.files);
  const loaded = useCadLibrary((s) => s.loaded);
  const error = useCadLibrary((s) => s.error);
  const epoch = useConnection((s) => s.epoch);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const tableRef = useRef<HTMLDivElement>(null);

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

  const counts = {
    ready: files.filter((f) => f.status === 'ready').length,
    ingesting: files.filter((f) => f.status === 'ingesting').length,
    failed: files.filter((f) => f.status === 'failed').length,
  };

  return (
    <>
      <h1 tabIndex={-1}>CAD library</h1>
      <p className="lede">
        CAD models (STEP/STP, STL, OBJ, glTF/GLB) imported for rendering. Each is converted to one normalized scene with its
        part names and colors, measured, and given a thumbnail.
      </p>
      <ImportPanel />
      <h2>Library</h2>
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      {!loaded && !error && <p role="status">Reading the library…</p>}
      {loaded && files.length === 0 && <p>No CAD files yet. Import one above.</p>}
      {files.length > 0 && (
        <>
          <p className="muted">
            {files.length} {files.length === 1 ? 'file' : 'files'}: {counts.ready} ready, {counts.ingesting} ingesting, {counts.failed} failed.
          </p>
          <div ref={tableRef} className="table-scroll">
            <CadTable files={files} selected={selectedId} onSelect={select} />
          </div>
        </>
      )}
      {selected && <CadDetails cad={selected} onClose={close} />}
    </>
  );
}
