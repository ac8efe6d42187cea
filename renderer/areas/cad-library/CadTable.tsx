import type { CadFile } from '../../../shared/cad/api';
import { CadStatusTag } from './CadStatusTag';
import { CadThumbnail } from './CadThumbnail';
import { formatBoundingBox, formatBytes, formatCount, formatLabel, partCount, triangleCount } from './format';
import { ActionsHeader } from '../../ui/ActionsHeader';

/** The library: one row per CAD file, newest first. */
export function CadTable({ files, selected, onSelect }: { files: CadFile[]; selected: string | null; onSelect: (id: string) => void }) {
  return (
    <table className="grid cad-table" aria-label="CAD files">
      <thead>
        <tr>
          <th scope="col">Preview</th>
          <th scope="col">Name</th>
          <th scope="col">Format</th>
          <th scope="col" className="num">
            Size
          </th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Parts
          </th>
          <th scope="col" className="num">
            Triangles
          </th>
          <th scope="col">Bounding box</th>
          <th scope="col">Units</th>
          <ActionsHeader />
        </tr>
      </thead>
      <tbody>
        {files.map((cad) => (
          <tr key={cad.id} aria-selected={selected === cad.id} className={selected === cad.id ? 'row-selected' : undefined}>
            <td>
              <CadThumbnail cad={cad} size="small" />
            </td>
            <th scope="row" className="cad-name">
              {cad.name}
            </th>
            <td>{formatLabel(cad)}</td>
            <td className="num">{formatBytes(cad.bytes)}</td>
            <td className="detail">
              <CadStatusTag status={cad.status} />
              {cad.status === 'failed' && cad.error && <div className="field-error">{cad.error}</div>}
            </td>
            <td className="num">{formatCount(partCount(cad))}</td>
            <td className="num">{formatCount(triangleCount(cad))}</td>
            <td className="nowrap">{formatBoundingBox(cad)}</td>
            <td>{cad.metadata?.sourceUnits ?? '—'}</td>
            <td>
              <button type="button" aria-label={`Details of ${cad.name}`} aria-pressed={selected === cad.id} onClick={() => onSelect(cad.id)}>
                Details
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
