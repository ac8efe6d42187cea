import type { RenderLog, RunRole } from '../../../shared/runs/api';

export type { RunRole };

/** The core fields of one render (DESIGN.md glossary), as the render nodes report them: a render log before it is stored. */
export type RenderLogEntry = Omit<RenderLog, 'id' | 'runId' | 'orderLineId' | 'draft' | 'createdAt'>;
