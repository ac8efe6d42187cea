/**
 * What a workflow revision's content is, as text both sides can hash (main hashes it with sha256;
 * shared/ has no crypto of its own). Pure, so the store, the migration that backfilled old
 * revisions and a future merge all agree byte for byte.
 */

/**
 * JSON with every object's keys sorted (by UTF-16 code units, like Array.prototype.sort), no
 * whitespace, and undefined members dropped as JSON.stringify drops them: two values equal as
 * JSON give the same text whatever order their keys were written in. Array order is kept: it
 * means something (edges, parameter targets).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // undefined, functions and symbols have no JSON text; inside arrays JSON writes null.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function' && typeof record[key] !== 'symbol')
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

/**
 * The text a revision's content hash is taken of: the whole document but its `revision` number.
 * The number is where the document sits in one data directory's history (a save bumps it, the
 * same content has another number on another machine), not what it says; everything else (nodes,
 * edges, settings, positions, name, mode, metadata) is content.
 */
export function workflowContentText(document: object): string {
  const { revision: _revision, ...content } = document as Record<string, unknown>;
  return canonicalJson(content);
}

/**
 * The text a revision id is taken of: its parents (ids, in order) and its content hash. So the
 * same change on the same parent is the same revision wherever it was made (a data directory
 * migrated on two machines from the same history gets the same ids), and an id names its whole
 * ancestry like a git commit does.
 */
export function revisionIdText(parents: readonly string[], contentHash: string): string {
  return `lightbox-workflow-revision\nparents ${parents.join(' ')}\ncontent ${contentHash}\n`;
}
