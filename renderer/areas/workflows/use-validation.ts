import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { ContractClient } from '../../../shared/contract';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import { errorText } from '../../transport/errors';
import type { EditorModel } from './editor-store';

export interface ValidationState {
  problems: Problem[];
  valid: boolean | null;
  /** The document these problems are about; a newer one is being checked while they differ. */
  checked: WorkflowDocument | null;
  error: string | null;
}

// Each edit is checked at once; an answer for an older document is dropped (seq), so fast typing stays correct.
const DELAY_MS = 0;

/** Validates the document with the backend (dispatch mode) on every edit. */
export function useValidation(client: ContractClient, model: EditorModel): ValidationState & { current: boolean } {
  const doc = useStore(model.store, (s) => s.doc);
  const [state, setState] = useState<ValidationState>({ problems: [], valid: null, checked: null, error: null });
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    const timer = setTimeout(() => {
      client.call('workflows.validate', { document: doc, mode: 'dispatch' }).then(
        (r) => {
          if (my === seq.current) setState({ problems: r.problems, valid: r.valid, checked: doc, error: null });
        },
        (error: unknown) => {
          if (my === seq.current) setState((s) => ({ ...s, checked: doc, valid: null, error: `Validation failed: ${errorText(error)}` }));
        },
      );
    }, DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, doc]);
  return { ...state, current: state.checked === doc };
}
