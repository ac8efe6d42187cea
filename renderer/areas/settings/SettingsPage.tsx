import { useCallback, useEffect, useState } from 'react';
import { Alert, Text, Title } from '@mantine/core';
import { usePreflight, useServices } from '../../app/services';
import { ProgressList } from '../preflight/CheckTable';
import { PreflightReportView } from '../preflight/PreflightReportView';
import { AppearanceSection } from './AppearanceSection';
import { DataDirSection } from './DataDirSection';
import { SettingsForm } from './SettingsForm';
import { LeaveDialog, useUnsavedChangesGuard } from '../../ui/unsaved-guard';
import { useSettingsForm } from './use-settings-form';

export function SettingsPage() {
  const { client, preflight } = useServices();
  const form = useSettingsForm();
  const report = usePreflight((s) => s.report);
  const running = usePreflight((s) => s.running);
  const progress = usePreflight((s) => s.progress);
  const preflightError = usePreflight((s) => s.error);
  const [recheckShown, setRecheckShown] = useState(false);
  const [dataDirDirty, setDataDirDirty] = useState(false);
  const onDataDirDirty = useCallback((dirty: boolean) => setDataDirDirty(dirty), []);
  const blocker = useUnsavedChangesGuard(form.dirty || dataDirDirty, client.transport === 'http');
  const [cadWorkflows, setCadWorkflows] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    let live = true;
    client.call('workflows.list', { family: 'cad_file' }).then(
      ({ workflows }) => live && setCadWorkflows(workflows.map((w) => ({ id: w.id, name: w.name }))),
      () => live && setCadWorkflows([]),
    );
    return () => {
      live = false;
    };
  }, [client]);

  // The last report tells what "detect automatically" currently finds.
  useEffect(() => {
    void preflight.load();
  }, [preflight]);

  const save = async (recheck: boolean) => {
    const outcome = await form.save();
    if (outcome.saved && (recheck || outcome.pathsChanged)) {
      setRecheckShown(true);
      await preflight.run();
    }
  };

  return (
    <>
      <Title order={1} tabIndex={-1} mb="md">
        Settings
      </Title>
      <AppearanceSection />
      {form.loadError && (
        <Alert color="red" variant="light" role="alert">
          Could not load the settings: {form.loadError}
        </Alert>
      )}
      {form.values ? (
        <SettingsForm
          values={form.values}
          defaults={form.defaults}
          errors={form.errors}
          formError={form.formError}
          status={form.status}
          busy={form.saving || running}
          dirty={form.dirty}
          report={report}
          setValue={form.setValue}
          onSave={(recheck) => void save(recheck)}
          onRevert={form.revert}
          cadWorkflows={cadWorkflows}
        />
      ) : (
        !form.loadError && <Text c="dimmed">Loading settings…</Text>
      )}

      {recheckShown && (
        <section className="section" aria-labelledby="recheck-heading">
          <Title order={2} id="recheck-heading">
            Check after saving
          </Title>
          {running && <ProgressList checks={progress} />}
          {preflightError && !running && (
            <Alert color="red" variant="light" role="alert">
              {preflightError}
            </Alert>
          )}
          {!running && report && <PreflightReportView report={report} level={3} />}
        </section>
      )}

      <DataDirSection onDirtyChange={onDataDirDirty} />
      <LeaveDialog blocker={blocker} />
    </>
  );
}
