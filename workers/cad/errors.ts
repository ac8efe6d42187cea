/** Why an ingest failed, machine-readable; the message says it for people. */
export type CadIngestErrorCode =
  | 'UNREADABLE' // cannot be read: missing, a directory, no permission
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'UNKNOWN_FORMAT'
  | 'NATIVE_CAD' // a CAD system's own format (Inventor, SolidWorks, ...): export STEP from it
  | 'MISSING_REFERENCE' // a STEP assembly names a part file that was not given with it
  | 'EXTERNAL_ASSEMBLY' // a lone STEP master file whose geometry lives in files it references
  | 'MISLABELLED' // the name claims one CAD format, the content is another
  | 'TRUNCATED'
  | 'CORRUPT' // recognised, but the parser rejects it
  | 'ZERO_TRIANGLES'
  | 'EXTERNAL_RESOURCE' // a glTF points outside its own folder (or to the network)
  | 'WORKER_FAILED'
  | 'WRITE_FAILED';

export class CadIngestError extends Error {
  constructor(
    readonly code: CadIngestErrorCode,
    /** The input file, as given. */
    readonly file: string,
    /** The reason alone, without the file name. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CadIngestError';
  }
}

/** What crosses the worker boundary: structured clone drops Error subclasses and their fields. */
export interface SerializedCadError {
  code: CadIngestErrorCode;
  file: string;
  reason: string;
}

export function serializeCadError(error: unknown, file: string): SerializedCadError {
  if (error instanceof CadIngestError) return { code: error.code, file: error.file, reason: error.reason };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'CORRUPT', file, reason: `unexpected failure while reading: ${message}` };
}
