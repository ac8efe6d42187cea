import { useEffect, useState } from 'react';
import type { ContractClient } from '../../../shared/contract';
import type { NodeCatalog } from '../../../shared/workflow/catalog';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import { isValid, validateWorkflow } from '../../../shared/workflow/validate';
import { errorText } from '../../transport/errors';
import { sameJson } from './doc-utils';
import type { EditorModel } from './editor-store';

export interface ValidationState {
  problems: Problem[];
  valid: boolean | null;
  /** The document these problems are about. */
  checked: WorkflowDocument | null;
  /** The document the backend has answered for: dispatch waits for it. */
  confirmed: WorkflowDocument | null;
  error: string | null;
}

/**
 * Validation as the user edits. The shared validator runs at once over the editor's catalog (the
 * same specs as the backend, with the backend's run status), so a field is marked as it is typed;
 * the backend's own answer (dispatch mode) follows and is the one that counts. The call leaves
 * from the store's change listener, before React redraws, and an answer for an older document is
 * dropped, so fast typing stays correct.
 */
export function useValidation(client: ContractClient, model: EditorModel, catalog: NodeCatalog | null): ValidationState & { current: boolean } {
  const [state, setState] = useState<ValidationState>({ problems: [], valid: null, checked: null, confirmed: null, error: null });
  const [latest, setLatest] = useState(() => model.store.getState().doc);
  useEffect(() => {
    let live = true;
    let asked: WorkflowDocument | null = null;
    const check = (doc: WorkflowDocument) => {
      if (doc === asked) return;
      asked = doc;
      if (catalog) {
        try {
          const { problems } = validateWorkflow(doc, catalog, { mode: 'dispatch' });
          setState((s) => ({ ...s, problems: sameJson(problems, s.problems) ? s.problems : problems, valid: isValid(problems), checked: doc }));
        } catch (error) {
          // The backend's answer still comes; the early marks are only a head start.
          console.warn('[lightbox] the editor could not validate locally', error);
        }
      }
      client.call('workflows.validate', { document: doc, mode: 'dispatch' }).then(
        (r) => {
          if (!live || doc !== asked) return;
          // The same answer keeps the same array, so nothing already drawn is drawn again.
          setState((s) => ({ problems: sameJson(r.problems, s.problems) ? s.problems : r.problems, valid: r.valid, checked: doc, confirmed: doc, error: null }));
        },
        (error: unknown) => {
          if (live && doc === asked) setState((s) => ({ ...s, checked: doc, confirmed: doc, valid: null, error: `Validation failed: ${errorText(error)}` }));
        },
      );
    };
    check(model.store.getState().doc);
    const stop = model.store.subscribe((s) => {
      check(s.doc);
      setLatest(s.doc);
    });
    return () => {
      live = false;
      stop();
    };
  }, [client, model, catalog]);
  return { ...state, current: state.confirmed === latest };
}
