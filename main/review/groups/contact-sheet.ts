import type Database from 'better-sqlite3';

/** Up to this many comparisons, the contact sheet shows every pair; above, a sample of this size. */
export const CONTACT_SHEET_ALL = 24;

/**
 * What a group's contact sheet shows, in SQL and bounded by the sheet's size, whatever the group's
 * history. Small groups: everything, in review order. Large groups: the worst differences first
 * (a difference is never averaged away; the differences list pages through all of them), then the
 * passes stratified by CAD file, each file's worst delta first, taken round-robin so every file is
 * seen before any file is seen twice. The files and their worst passing delta are rolled up per
 * group (review_group_cad_files), so a sample reads at most the sheet's size of rows per file.
 */
export function createContactSheet(db: Database.Database) {
  const q = {
    everything: db.prepare<[string, number], { id: string }>('SELECT id FROM comparisons WHERE group_id = ? ORDER BY concern DESC, id DESC LIMIT ?'),
    differences: db.prepare<[string, number], { id: string }>('SELECT id FROM comparisons WHERE group_id = ? AND difference = 1 ORDER BY concern DESC, id DESC LIMIT ?'),
    files: db.prepare<[string, number], { sha: string }>(
      'SELECT cad_file_sha256 AS sha FROM review_group_cad_files WHERE group_id = ? AND worst_pass IS NOT NULL ORDER BY worst_pass DESC, cad_file_sha256 LIMIT ?',
    ),
    passesOf: db.prepare<[string, string | null, number], { id: string }>(
      "SELECT id FROM comparisons WHERE group_id = ? AND verdict = 'pass' AND cad_file_sha256 IS ? ORDER BY worst_delta DESC, id DESC LIMIT ?",
    ),
  };
  return function contactSheet(groupId: string, total: number, size = CONTACT_SHEET_ALL): { sampled: boolean; comparisonIds: string[]; total: number } {
    if (total <= size) return { sampled: false, comparisonIds: q.everything.all(groupId, size).map((r) => r.id), total };
    const picked = q.differences.all(groupId, size).map((r) => r.id);
    const room = size - picked.length;
    const files = room > 0 ? q.files.all(groupId, room) : [];
    if (files.length > 0) {
      const rounds = Math.ceil(room / files.length);
      // '' is the stratum of comparisons whose CAD file is not known.
      const queues = files.map((f) => q.passesOf.all(groupId, f.sha === '' ? null : f.sha, rounds).map((r) => r.id));
      for (let round = 0; round < rounds && picked.length < size; round++) {
        for (const queue of queues) {
          const id = queue[round];
          if (id !== undefined && picked.length < size) picked.push(id);
        }
      }
    }
    return { sampled: true, comparisonIds: picked, total };
  };
}
