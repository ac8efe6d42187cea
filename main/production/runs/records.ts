import type { RenderLog, RunRole } from '../../../shared/runs/api';

export type { RunRole };

/** The core fields of one render (DESIGN.md glossary), as the render nodes report them. */
export interface RenderLogEntry {
  nodeId: string;
  engine: string | null;
  samples: number | null;
  width: number | null;
  height: number | null;
  frameStart: number | null;
  frameEnd: number | null;
  blenderVersion: string | null;
  outputPath: string | null;
  outputSha256: string | null;
  durationMs: number;
  status: RenderLog['status'];
  exitCode: number | null;
  error: string | null;
}
