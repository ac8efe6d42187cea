import { useCallback, useEffect, useState } from 'react';
import { usePreflight, useServices } from '../../app/services';
import { ProgressList } from '../preflight/CheckTable';
import { PreflightReportView } from '../preflight/PreflightReportView';
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
      <h1 tabIndex={-1}>Settings</h1>
      {form.loadError && (
        <p role="alert" className="banner banner-error">
          Could not load the settings: {form.loadError}
        </p>
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
        !form.loadError && <p className="muted">Loading settings…</p>
      )}

      {recheckShown && (
        <section className="section" aria-labelledby="recheck-heading">
          <h2 id="recheck-heading">Check after saving</h2>
          {running && <ProgressList checks={progress} />}
          {preflightError && !running && (
            <p role="alert" className="banner banner-error">
              {preflightError}
            </p>
          )}
          {!running && report && <PreflightReportView report={report} level={3} />}
        </section>
      )}

      <DataDirSection onDirtyChange={onDataDirDirty} />
      <LeaveDialog blocker={blocker} />
    </>
  );
}
