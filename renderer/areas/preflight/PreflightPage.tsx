import { useEffect } from 'react';
import { Alert, Button, Group, Text, Title } from '@mantine/core';
import { useConnection, usePreflight, useServices } from '../../app/services';
import { ProgressList } from './CheckTable';
import { FirstRunChecklist } from './FirstRunChecklist';
import { PreflightReportView } from './PreflightReportView';

export function PreflightPage() {
  const { preflight } = useServices();
  const report = usePreflight((s) => s.report);
  const loaded = usePreflight((s) => s.loaded);
  const running = usePreflight((s) => s.running);
  const progress = usePreflight((s) => s.progress);
  const error = usePreflight((s) => s.error);
  const epoch = useConnection((s) => s.epoch);

  // Wait for a connection, then show the last report or run the first one.
  useEffect(() => {
    if (epoch > 0) void preflight.ensureReport();
  }, [preflight, epoch]);

  let status = '';
  if (running) status = `Running preflight: ${progress.length} ${progress.length === 1 ? 'check' : 'checks'} finished…`;
  else if (!loaded) status = 'Loading the last report…';

  return (
    <>
      <Title order={1} tabIndex={-1}>
        Preflight
      </Title>
      <Text c="dimmed" maw="72ch" my="xs">
        Checks that this machine can render: Blender and which engines render headless, ffmpeg and its encoders, free disk
        space and the data directory.
      </Text>
      <Group gap="sm" my="sm">
        <Button onClick={() => void preflight.run()} disabled={running}>
          Run preflight
        </Button>
        <Text span role="status" c="dimmed">
          {status}
        </Text>
      </Group>
      {error && (
        <Alert color="red" variant="light" role="alert" title="Preflight did not finish">
          {error}
        </Alert>
      )}
      {!running && <FirstRunChecklist />}
      {running && <ProgressList checks={progress} />}
      {!running && report && <PreflightReportView report={report} />}
      {!running && loaded && !report && !error && <Text>No preflight report yet.</Text>}
    </>
  );
}
