import path from 'node:path';
import { CadIngestError } from './errors';
import { refuseNativeCad } from './native-cad';
import { looksLikeBrep } from './parse-brep';
import { looksLikeIges } from './parse-iges';

export type CadFormat = 'step' | 'step-set' | 'iges' | 'brep' | 'stl-binary' | 'stl-ascii' | 'obj' | 'gltf' | 'glb' | '3mf' | '3dm' | 'ply' | 'fbx' | 'collada';

/** Human names, used in messages and notes. */
export const FORMAT_LABEL: Record<CadFormat, string> = {
  step: 'STEP',
  'step-set': 'STEP assembly (several files)',
  iges: 'IGES',
  brep: 'OpenCascade BREP',
  'stl-binary': 'binary STL',
  'stl-ascii': 'ASCII STL',
  obj: 'OBJ',
  gltf: 'glTF (JSON)',
  glb: 'GLB',
  '3mf': '3MF',
  '3dm': 'Rhino 3DM',
  ply: 'PLY',
  fbx: 'FBX',
  collada: 'Collada',
};

/** Every format by name, for the message that lists what is supported. */
export const SUPPORTED_FORMATS = 'STEP, IGES, BREP, STL, OBJ, glTF, GLB, 3MF, Rhino 3DM, PLY, FBX, Collada, or a folder or .zip of STEP files';

/** The format family each CAD extension claims. */
const EXTENSION_FAMILY: Record<string, string> = {
  '.step': 'step',
  '.stp': 'step',
  '.p21': 'step',
  '.igs': 'iges',
  '.iges': 'iges',
  '.brep': 'brep',
  '.brp': 'brep',
  '.zip': 'step-set',
  '.3mf': '3mf',
  '.3dm': '3dm',
  '.ply': 'ply',
  '.fbx': 'fbx',
  '.dae': 'collada',
  '.stl': 'stl',
  '.obj': 'obj',
  '.gltf': 'gltf',
  '.glb': 'glb',
};

function familyOf(format: CadFormat): string {
  return format.startsWith('stl') ? 'stl' : format;
}

export interface Detection {
  format: CadFormat;
  /** Set when the extension disagrees with the content (and that was allowed), or is not a CAD one. */
  note?: string;
}

const HEAD_BYTES = 64 * 1024;

/** Text is what survives as printable: binaries have NULs and control bytes early on. */
function looksLikeText(head: Buffer): boolean {
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control <= head.length / 100;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text.replace(/^\xef\xbb\xbf/, '');
}

/** Binary STL: 80-byte header, uint32 triangle count, 50 bytes per triangle. */
function binaryStlExpectedSize(data: Buffer): number | null {
  if (data.length < 84) return null;
  return 84 + 50 * data.readUInt32LE(80);
}

/** The formats read through Blender's own importers (in the farm), not in the CAD worker. */
export type BlenderFormat = 'ply' | 'fbx' | 'collada';

/** Whether the file's first bytes are PLY, FBX or Collada: those go to Blender before the CAD ingest. */
export function blenderFormatOf(head: Buffer): BlenderFormat | null {
  const magic = head.toString('latin1', 0, Math.min(head.length, 32));
  if (magic.startsWith('Kaydara FBX Binary')) return 'fbx';
  const text = looksLikeText(head) ? stripBom(head.toString('latin1')).trimStart() : '';
  if (/^ply\r?\n/.test(text)) return 'ply';
  if (/^; FBX \d/.test(text)) return 'fbx';
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<COLLADA\b/.test(text)) return 'collada';
  return null;
}

/** A zip holding 3D/3dmodel.model (named in its central directory) is 3MF; any other zip is a set of files. */
function zipKind(data: Buffer): CadFormat {
  return data.includes('3D/3dmodel.model', 0, 'latin1') || data.includes('3D/3DModel.model', 0, 'latin1') ? '3mf' : 'step-set';
}

function detectByContent(data: Buffer, file: string, claimed: string | undefined): CadFormat {
  const magic = data.toString('latin1', 0, Math.min(data.length, 32));
  if (magic.startsWith('glTF')) return 'glb';
  if (magic.startsWith('PK\x03\x04')) return zipKind(data);
  if (magic.startsWith('3D Geometry File Format ')) return '3dm';
  if (magic.startsWith('Kaydara FBX Binary')) return 'fbx';
  const head = data.subarray(0, HEAD_BYTES);
  const text = looksLikeText(head) ? stripBom(head.toString('latin1')) : null;
  const start = text?.trimStart() ?? '';
  if (start.startsWith('ISO-10303-21;')) return 'step';
  if (text !== null && looksLikeIges(text)) return 'iges';
  if (looksLikeBrep(start)) return 'brep';
  if (/^ply\r?\n/.test(start)) return 'ply';
  if (/^; FBX \d/.test(start)) return 'fbx';
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<COLLADA\b/.test(start)) return 'collada';
  // Checked before ASCII STL: many binary STL headers begin with "solid" too; an exact size
  // match is the reliable sign.
  const expected = binaryStlExpectedSize(data);
  if (expected !== null && expected === data.length && (text === null || !/\bfacet\b/.test(start))) return 'stl-binary';
  if (text !== null) {
    if (/^solid\b/i.test(start)) return 'stl-ascii';
    if (start.startsWith('{') && /"asset"\s*:/.test(start)) return 'gltf';
    if (looksLikeObj(start)) return 'obj';
  }
  // A binary file named .stl whose size does not fit its triangle count: a damaged binary STL
  // is a more useful diagnosis than "unknown format".
  if (claimed === 'stl' && expected !== null && text === null) {
    const count = data.readUInt32LE(80);
    if (expected > data.length) {
      throw new CadIngestError(
        'TRUNCATED',
        file,
        `binary STL is truncated: its header declares ${count} triangles (${expected} bytes) but the file has ${data.length} bytes`,
      );
    }
    // Longer than declared: some exporters pad; the declared triangles are all there.
    return 'stl-binary';
  }
  if (claimed === 'stl' && data.length < 84 && text === null) {
    throw new CadIngestError('TRUNCATED', file, `binary STL is truncated: ${data.length} bytes, shorter than the 84-byte header`);
  }
  refuseNativeCad(data, file);
  const what = text === null ? 'binary data' : `text starting with "${start.slice(0, 40).replace(/\s+/g, ' ')}"`;
  throw new CadIngestError('UNKNOWN_FORMAT', file, `content is not a supported CAD format (${SUPPORTED_FORMATS}): found ${what}`);
}

/** OBJ has no magic: the first meaningful lines must be OBJ statements, with at least one vertex. */
function looksLikeObj(text: string): boolean {
  const keywords = /^(v|vn|vt|vp|f|l|p|o|g|s|usemtl|mtllib|cstype|deg|curv|surf)\b/;
  let statements = 0;
  let vertices = 0;
  for (const raw of text.split('\n').slice(0, 2000)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!keywords.test(line)) return false;
    statements++;
    if (/^v\s/.test(line)) vertices++;
  }
  return statements > 0 && vertices > 0;
}

/**
 * Detects the format from the bytes; the extension only serves to explain. A file whose
 * extension claims another CAD format is refused (MISLABELLED) unless `allowMislabelled`.
 */
export function detectFormat(data: Buffer, file: string, allowMislabelled: boolean): Detection {
  if (data.length === 0) throw new CadIngestError('EMPTY', file, 'file is empty (0 bytes)');
  const ext = path.extname(file).toLowerCase();
  const claimed = EXTENSION_FAMILY[ext];
  const format = detectByContent(data, file, claimed);
  if (claimed === undefined) {
    return { format, note: `extension "${ext || '(none)'}" is not a CAD one; content detected as ${FORMAT_LABEL[format]}` };
  }
  if (claimed !== familyOf(format)) {
    const said = `file is named ${ext} but its content is ${FORMAT_LABEL[format]}`;
    if (!allowMislabelled) {
      throw new CadIngestError('MISLABELLED', file, `${said}; rename it to match its content, or allow mislabelled files to ingest it as ${FORMAT_LABEL[format]}`);
    }
    return { format, note: `${said}; ingested as ${FORMAT_LABEL[format]}` };
  }
  return { format };
}
