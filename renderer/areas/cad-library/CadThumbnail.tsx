import { useEffect } from 'react';
import type { CadFile } from '../../../shared/cad/api';
import { thumbnailKey, useCadLibrary, useCadLibraryModel } from './cad-store';

/** The thumbnail the ingest rendered, fetched once per file version; a neutral box until then. */
export function CadThumbnail({ cad, size }: { cad: CadFile; size: 'small' | 'large' }) {
  const model = useCadLibraryModel();
  const key = thumbnailKey(cad);
  const dataUrl = useCadLibrary((s) => s.thumbnails[key]);
  useEffect(() => {
    if (cad.hasThumbnail) model.loadThumbnail(cad);
  }, [model, cad]);

  const className = `thumb thumb-${size}`;
  if (dataUrl) return <img className={className} src={dataUrl} alt={`Thumbnail of ${cad.name}`} />;
  let text = 'No preview';
  if (cad.status === 'ingesting') text = '…';
  else if (cad.hasThumbnail && dataUrl === undefined) text = 'Loading';
  return (
    <span className={`${className} thumb-empty`} aria-hidden="true">
      {text}
    </span>
  );
}
