import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CadIngestError, ingestCad, type CadIngestOptionsInput, type IngestCadResult } from '../../../execution/cad/ingest';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Verb } from '../verb';

function positiveNumber(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

export const cadIngestVerb: Verb = {
  name: 'cad ingest',
  summary: 'Ingest a CAD file (STEP, IGES, BREP, STL, OBJ, glTF, GLB, 3MF, Rhino 3DM), or a folder or .zip of a multi-file STEP assembly: normalized GLB, metadata and a thumbnail.',
  usage: 'lightbox cad ingest FILE|FOLDER [--out DIR] [--json] [--no-thumbnail]',
  optionHelp: [
    ['--out DIR', 'folder for <name>.glb and <name>.png (created if needed); default: a new folder in the system temp'],
    ['--json', 'print the result (paths, hash, metadata) or the error as JSON'],
    ['--no-thumbnail', 'skip the Blender thumbnail'],
    ['--linear-deflection MM', 'STEP tessellation chordal tolerance in mm (default 0.1)'],
    ['--angular-deflection DEG', 'STEP tessellation angular tolerance in degrees (default 15)'],
    ['--allow-mislabelled', 'ingest a file whose extension names another format, as what its content is'],
  ],
  options: {
    out: { type: 'string' },
    json: { type: 'boolean' },
    'no-thumbnail': { type: 'boolean' },
    'linear-deflection': { type: 'string' },
    'angular-deflection': { type: 'string' },
    'allow-mislabelled': { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError('name the CAD file to ingest');
    if (extra.length > 0) throw new UsageError(`one file at a time; unexpected ${extra.join(' ')}`);
    const json = values.json === true;
    const options: CadIngestOptionsInput = { allow_mislabelled: values['allow-mislabelled'] === true };
    const linear = positiveNumber(values['linear-deflection'], '--linear-deflection');
    const angular = positiveNumber(values['angular-deflection'], '--angular-deflection');
    if (linear !== undefined) options.linear_deflection_mm = linear;
    if (angular !== undefined) options.angular_deflection_deg = angular;

    // A path that cannot be read is a usage problem (exit 2), like the other verbs' file arguments.
    let problem: string | null = null;
    try {
      const stat = await fs.promises.stat(file);
      // A folder is a multi-file STEP assembly: the master and the part files it references.
      if (!stat.isFile() && !stat.isDirectory()) problem = 'not a regular file';
      else await fs.promises.access(file, fs.constants.R_OK);
    } catch (error) {
      problem = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    if (problem !== null) {
      io.stderr(`lightbox cad ingest: cannot read ${file}: ${problem}\n`);
      return EXIT_USAGE;
    }

    let outDir = typeof values.out === 'string' ? values.out : undefined;
    if (outDir === undefined) {
      outDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'lightbox-cad-'));
      io.stderr(`lightbox cad ingest: no --out given; writing to ${outDir}\n`);
    }

    let result: IngestCadResult;
    try {
      result = await ingestCad({ file, outDir, options, thumbnail: values['no-thumbnail'] !== true, env: io.env });
    } catch (error) {
      if (!(error instanceof CadIngestError)) throw error;
      if (json) io.stdout(`${JSON.stringify({ error: { code: error.code, file: error.file, reason: error.reason, message: error.message } }, null, 2)}\n`);
      else io.stderr(`lightbox cad ingest: ${error.message}\n`);
      return error.code === 'UNREADABLE' ? EXIT_USAGE : EXIT_FAILED;
    }
    if (json) io.stdout(`${JSON.stringify({ outDir, ...result }, null, 2)}\n`);
    else io.stdout(formatResult(result));
    return EXIT_OK;
  },
};

function formatResult(result: IngestCadResult): string {
  const m = result.metadata;
  const size = m.bboxMm.size.map((v) => v.toFixed(3)).join(' × ');
  const lines = [
    `${m.file}: ${m.formatLabel}, ${m.partCount} part${m.partCount === 1 ? '' : 's'}, ${m.triangleCount} triangles, ${size} mm (source units ${m.sourceUnits}${m.unitsAssumed ? ', assumed' : ''})`,
    `  glb:       ${result.glbPath} (sha256 ${result.glbSha256})`,
    `  thumbnail: ${result.thumbnailPath ?? `none${result.thumbnailError ? ` (${result.thumbnailError})` : ''}`}`,
    ...m.notes.map((note) => `  note: ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

