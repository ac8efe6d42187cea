import { useCallback, useEffect, useState } from 'react';
import { ContractError } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings/schema';
import { useClient, useConnection } from '../../app/services';
import { errorText } from '../../transport/errors';
import { buildPatch, changedFields, errorsFromContract, toFormValues, type FieldErrors, type FieldKey, type FormValues } from './form-model';

interface FormState {
  /** The saved values, as text, to tell what changed. */
  baseline: FormValues;
  values: FormValues;
}

export interface SaveOutcome {
  saved: boolean;
  /** A path changed, so the executables should be checked again. */
  pathsChanged: boolean;
}

/** Keeps what the user edited; takes the new saved value for every untouched field. */
function rebase(values: FormValues, oldBase: FormValues, newBase: FormValues): FormValues {
  const next = { ...newBase };
  for (const key of changedFields(values, oldBase)) (next as Record<FieldKey, string>)[key] = values[key];
  return next;
}

export function useSettingsForm() {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const [form, setForm] = useState<FormState | null>(null);
  const [defaults, setDefaults] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [saving, setSaving] = useState(false);

  const applySaved = useCallback((settings: Settings, replace = false) => {
    const base = toFormValues(settings);
    setForm((f) => ({ baseline: base, values: f && !replace ? rebase(f.values, f.baseline, base) : base }));
  }, []);

  // Load on every (re)connect: another window may have changed settings while we were away.
  useEffect(() => {
    if (epoch === 0) return;
    let cancelled = false;
    Promise.all([client.call('settings.get', {}), client.call('settings.defaults', {})])
      .then(([settings, machineDefaults]) => {
        if (cancelled) return;
        applySaved(settings);
        setDefaults(machineDefaults);
        setLoadError(null);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(errorText(error));
      });
    return () => {
      cancelled = true;
    };
  }, [client, epoch, applySaved]);

  useEffect(() => client.on('settings.changed', (settings) => applySaved(settings)), [client, applySaved]);

  const setValue = useCallback(<K extends FieldKey>(key: K, value: FormValues[K]) => {
    setForm((f) => (f ? { ...f, values: { ...f.values, [key]: value } } : f));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setStatus('');
    setFormError(null);
  }, []);

  const save = useCallback(async (): Promise<SaveOutcome> => {
    if (!form) return { saved: false, pathsChanged: false };
    const { patch, errors: localErrors, changed } = buildPatch(form.values, form.baseline);
    setStatus('');
    setFormError(null);
    if (Object.keys(localErrors).length > 0) {
      setErrors(localErrors);
      setFormError('Not saved: correct the marked fields.');
      return { saved: false, pathsChanged: false };
    }
    if (changed.length === 0) {
      setStatus('No changes to save');
      return { saved: true, pathsChanged: false };
    }
    setSaving(true);
    try {
      applySaved(await client.call('settings.update', patch), true);
      setErrors({});
      setStatus('Settings saved');
      return { saved: true, pathsChanged: patch.blenderPath !== undefined || patch.ffmpegPath !== undefined };
    } catch (error) {
      if (error instanceof ContractError) {
        const { fields, other } = errorsFromContract(error);
        setErrors(fields);
        setFormError(other.length > 0 ? `Not saved: ${other.join('; ')}` : 'Not saved: correct the marked fields.');
      } else {
        setFormError(`Not saved: ${errorText(error)}`);
      }
      return { saved: false, pathsChanged: false };
    } finally {
      setSaving(false);
    }
  }, [client, form, applySaved]);

  const revert = useCallback(() => {
    setForm((f) => (f ? { ...f, values: f.baseline } : f));
    setErrors({});
    setFormError(null);
    setStatus('');
  }, []);

  const dirty = form ? changedFields(form.values, form.baseline).length > 0 : false;
  return { values: form?.values ?? null, defaults, loadError, errors, formError, status, saving, dirty, setValue, save, revert };
}
