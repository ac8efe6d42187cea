import { useEffect, useRef, useState } from 'react';
import type { ContractClient } from '../../../shared/contract';
import type { NodeCatalog } from '../../../shared/workflow/catalog';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import { isValid, validateWorkflow } from '../../../shared/workflow/validate';
import { errorText } from '../../transport/errors';
import { onlyMoved, sameJson } from './doc-utils';
import type { EditorModel } from './editor-store';

export interface ValidationState {
  problems: Problem[];
  valid: boolean | null;
  /** The content generation (see below) the backend has answered for: dispatch waits for it. */
  confirmed: number;
  error: string | null;
}

/**
 * Validation as the user edits. The shared validator runs at once over the editor's catalog (the
 * same specs as the backend, with the backend's run status), so a field is marked as it is typed;
 * the backend's own answer (dispatch mode) follows and is the one that counts. The call leaves
 * from the store's change listener, before React redraws.
 *
 * Answers are matched by content generation, which moves on with every edit validation can see:
 * an answer for an older one is dropped (fast typing stays correct), and a drag, which only moves
 * nodes, neither validates 500 nodes per frame nor makes the last answer stale.
 */
export function useValidation(client: ContractClient, model: EditorModel, catalog: NodeCatalog | null): ValidationState & { current: boolean } {
  const [state, setState] = useState<ValidationState>({ problems: [], valid: null, confirmed: -1, error: null });
  const [generation, setGeneration] = useState(0);
  const gen = useRef(0);
  useEffect(() => {
    let live = true;
    let asked: WorkflowDocument | null = null;
    const check = (doc: WorkflowDocument) => {
      if (asked && onlyMoved(asked, doc)) return;
      asked = doc;
      const mine = ++gen.current;
      setGeneration(mine);
      if (catalog) {
        try {
          const { problems } = validateWorkflow(doc, catalog, { mode: 'dispatch' });
          setState((s) => ({ ...s, problems: sameJson(problems, s.problems) ? s.problems : problems, valid: isValid(problems) }));
        } catch (error) {
          // The backend's answer still comes; the early marks are only a head start.
          console.warn('[lightbox] the editor could not validate locally', error);
        }
      }
      client.call('workflows.validate', { document: doc, mode: 'dispatch' }).then(
        (r) => {
          if (!live || mine !== gen.current) return;
          // The same answer keeps the same array, so nothing already drawn is drawn again.
          setState((s) => ({ problems: sameJson(r.problems, s.problems) ? s.problems : r.problems, valid: r.valid, confirmed: mine, error: null }));
        },
        (error: unknown) => {
          if (live && mine === gen.current) setState((s) => ({ ...s, confirmed: mine, valid: null, error: `Validation failed: ${errorText(error)}` }));
        },
      );
    };
    check(model.store.getState().doc);
    const stop = model.store.subscribe((s) => check(s.doc));
    return () => {
      live = false;
      stop();
    };
  }, [client, model, catalog]);
  return { ...state, current: state.confirmed === generation };
}
