import { useEffect, useState } from 'react';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';

/** The backend's diff heatmap of one artifact: changed pixels red, pixels over the threshold white. */
export function HeatmapImage({ comparisonId, artifactIndex, name }: { comparisonId: string; artifactIndex: number; name: string }) {
  const client = useClient();
  const [state, setState] = useState<{ url: string | null; note: string | null }>({ url: null, note: 'Loading the heatmap…' });
  useEffect(() => {
    let live = true;
    client.call('comparisons.heatmap', { id: comparisonId, artifact: artifactIndex }).then(
      (r) => live && setState({ url: r.dataUrl, note: r.dataUrl ? null : (r.reason ?? 'No heatmap.') }),
      (error: unknown) => live && setState({ url: null, note: `The heatmap could not be read: ${errorText(error)}` }),
    );
    return () => {
      live = false;
    };
  }, [client, comparisonId, artifactIndex]);
  if (state.url) return <img className="cmp-heatmap-image" src={state.url} alt={`Diff heatmap of ${name}: changed pixels red, pixels over the threshold white`} />;
  return <p role="status">{state.note}</p>;
}
