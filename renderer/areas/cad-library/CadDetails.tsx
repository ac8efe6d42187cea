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
    <section className="details-panel" aria-labelledby={headingId}>
      <div className="details-head">
        <h2 id={headingId} tabIndex={-1}>
          {cad.name}
        </h2>
        <button type="button" onClick={onClose} aria-label={`Close details of ${cad.name}`}>
          Close
        </button>
      </div>
      <div className="details-body">
        <CadThumbnail cad={cad} size="large" />
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <CadStatusTag status={cad.status} />
          </dd>
          {cad.error && (
            <>
              <dt>Error</dt>
              <dd className="field-error">{cad.error}</dd>
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
              <span className="muted">
                {' '}
                from {formatPoint(box.min)} to {formatPoint(box.max)}
              </span>
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
      </div>
      {notes.length > 0 && (
        <>
          <h3>Notes</h3>
          <ul>
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </>
      )}
      <h3>Parts</h3>
      {parts.length === 0 ? (
        <p className="muted">{cad.status === 'ready' ? 'No parts.' : 'Known once the ingest has finished.'}</p>
      ) : (
        <>
          <table className="grid parts-table" aria-label={`Parts of ${cad.name}`}>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Part name</th>
                <th scope="col" className="num">
                  Triangles
                </th>
              </tr>
            </thead>
            <tbody>
              {parts.slice(0, MAX_PARTS_SHOWN).map((part, index) => (
                <tr key={index}>
                  <td className="num">{index + 1}</td>
                  <td>{part.name || <span className="muted">(unnamed)</span>}</td>
                  <td className="num">{formatCount(part.triangles)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {parts.length > MAX_PARTS_SHOWN && (
            <p className="muted">
              Showing the first {MAX_PARTS_SHOWN} of {parts.length} parts.
            </p>
          )}
        </>
      )}
    </section>
  );
}
