import { Link } from 'react-router';
import { Anchor } from '@mantine/core';

/** Where output types come from: legacy render presets are imported on the Workflows page. */
export function ImportPresetsLink() {
  return (
    <Anchor component={Link} to="/workflows">
      Workflows → Import legacy presets
    </Anchor>
  );
}
