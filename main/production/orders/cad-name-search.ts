import type { TextSearch } from '../../platform/db/text-search';

/** A list search's `via` for rows that name a CAD file: those whose CAD file's name matches (cad_files is small). */
export const byCadFileName = (column: string): NonNullable<TextSearch['via']> => ({ column, ids: "SELECT id FROM cad_files WHERE name LIKE ? ESCAPE '\\'" });
