import occtimportjs, { type Occt, type OcctMesh, type OcctNode, type OcctResult } from 'occt-import-js';
import type { Node } from '@gltf-transform/core';
import { CadIngestError } from './errors';
import { GlbBuilder, type MeshGroup, type Rgb } from './glb-builder';

/** One OpenCascade instance per thread (the WASM start costs ~0.1 s); its console output is captured. */
let occtPromise: Promise<Occt> | null = null;
let occtMessages: string[] = [];

function occt(): Promise<Occt> {
  occtPromise ??= occtimportjs({
    print: (text) => occtMessages.push(text),
    printErr: (text) => occtMessages.push(text),
  });
  return occtPromise;
}

const STEP_UNITS: Record<string, string> = { MILLI: 'mm', CENTI: 'cm', DECI: 'dm', KILO: 'km', MICRO: 'µm', NANO: 'nm' };
const NAMED_UNITS: Record<string, string> = { INCH: 'in', FOOT: 'ft', MILLIMETRE: 'mm', MILLIMETER: 'mm', METRE: 'm', METER: 'm', YARD: 'yd', MIL: 'mil' };

function classifyUnit(statement: string): string | null {
  if (!/LENGTH_UNIT/i.test(statement)) return null;
  const named = /CONVERSION_BASED_UNIT\s*\(\s*'([^']*)'/i.exec(statement);
  if (named?.[1] !== undefined) return NAMED_UNITS[named[1].toUpperCase()] ?? named[1].toLowerCase();
  const si = /SI_UNIT\s*\(\s*(?:\.(\w+)\.|\$)\s*,\s*\.METRE\.\s*\)/i.exec(statement);
  if (si) return si[1] ? (STEP_UNITS[si[1].toUpperCase()] ?? `${si[1].toLowerCase()}metre`) : 'm';
  return null;
}

/** The text of entity `#id` (up to its semicolon), or null. */
function entityText(data: Buffer, id: string): string | null {
  for (const prefix of [`\n#${id}=`, `\n#${id} =`, `\r#${id}=`, `\r#${id} =`]) {
    const at = data.indexOf(prefix, 0, 'latin1');
    if (at < 0) continue;
    const end = data.indexOf(';', at, 'latin1');
    return data.toString('latin1', at, end < 0 ? Math.min(data.length, at + 2000) : Math.min(end, at + 2000));
  }
  return null;
}

/**
 * The length units the STEP file uses: those its representation contexts assign
 * (GLOBAL_UNIT_ASSIGNED_CONTEXT). Scanning for any LENGTH_UNIT would also find the SI unit an
 * inch is defined by. Found with Buffer.indexOf so a file of hundreds of MiB is never decoded
 * into one string.
 */
export function stepLengthUnits(data: Buffer): string[] {
  const units: string[] = [];
  let from = 0;
  for (let hits = 0; hits < 100; hits++) {
    const at = data.indexOf('GLOBAL_UNIT_ASSIGNED_CONTEXT', from, 'latin1');
    if (at < 0) break;
    from = at + 28;
    const list = /^GLOBAL_UNIT_ASSIGNED_CONTEXT\s*\(\s*\(([^)]*)\)/i.exec(data.toString('latin1', at, Math.min(data.length, at + 400)));
    for (const id of list?.[1]?.match(/#(\d+)/g) ?? []) {
      const text = entityText(data, id.slice(1));
      const unit = text === null ? null : classifyUnit(text);
      if (unit && !units.includes(unit)) units.push(unit);
    }
  }
  return units;
}

/** A STEP exchange file ends with END-ISO-10303-21; a copy cut short does not. */
function assertComplete(data: Buffer, file: string): void {
  const tail = data.toString('latin1', Math.max(0, data.length - 4096));
  if (!/END-ISO-10303-21\s*;/.test(tail)) {
    throw new CadIngestError('TRUNCATED', file, 'STEP file is truncated: it does not end with END-ISO-10303-21; (cut off while copying or exporting?)');
  }
}

export interface StepOptions {
  linearDeflectionMm: number;
  angularDeflectionDeg: number;
}

export interface StepParse {
  builder: GlbBuilder;
  sourceUnits: string;
  notes: string[];
  /** Meshes OpenCascade produced: one per part (solid/shell) instance. */
  occtMeshCount: number;
}

/** The file kinds OpenCascade reads here, with the reader each one goes through. */
export type OcctKind = 'step' | 'iges' | 'brep';
const OCCT_LABEL: Record<OcctKind, string> = { step: 'STEP', iges: 'IGES', brep: 'BREP' };

/**
 * Runs OpenCascade's reader for `kind` and answers its meshes and assembly tree. STEP and IGES
 * come out in millimetres whatever the file declares; BREP carries no unit and comes out as stored.
 */
export async function readWithOcct(kind: OcctKind, data: Buffer, file: string, options: StepOptions): Promise<OcctResult> {
  const engine = await occt();
  occtMessages = [];
  const params = {
    linearUnit: 'millimeter' as const,
    linearDeflectionType: 'absolute_value' as const,
    linearDeflection: options.linearDeflectionMm,
    angularDeflection: (options.angularDeflectionDeg * Math.PI) / 180,
  };
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let result: OcctResult;
  try {
    result = kind === 'step' ? engine.ReadStepFile(bytes, params) : kind === 'iges' ? engine.ReadIgesFile(bytes, params) : engine.ReadBrepFile(bytes, params);
  } catch (error) {
    // A WASM abort can leave the instance unusable: start a fresh one next time.
    occtPromise = null;
    throw new CadIngestError('CORRUPT', file, `OpenCascade failed on this ${OCCT_LABEL[kind]} file: ${(error as Error).message}`);
  }
  if (!result.success) {
    const said = occtMessages.map((m) => m.replace(/\*+/g, '').trim()).find((m) => m.length > 0);
    throw new CadIngestError('CORRUPT', file, `${OCCT_LABEL[kind]} file could not be read${said ? `: ${said}` : ' by OpenCascade'}`);
  }
  return result;
}

/** Tessellates a STEP file with OpenCascade (occt-import-js), keeping names, hierarchy and colors. */
export async function parseStep(data: Buffer, file: string, options: StepOptions): Promise<StepParse> {
  assertComplete(data, file);
  const units = stepLengthUnits(data);
  const result = await readWithOcct('step', data, file, options);
  const builder = new GlbBuilder();
  addOcctScene(builder, result, null, 0.001, 'part');
  const notes: string[] = [];
  if (units.length > 1) notes.push(`STEP file declares several length units (${units.join(', ')}); OpenCascade converted all to millimetres`);
  return { builder, sourceUnits: units[0] ?? 'unknown', notes, occtMeshCount: result.meshes.length };
}

/**
 * Adds an OpenCascade result under `parent` (the scene when null). `mmToMetres` scales the
 * vertices: 0.001 for OpenCascade's millimetres, other factors for a BREP in another unit.
 */
export function addOcctScene(builder: GlbBuilder, result: OcctResult, parent: Node | null, mmToMetres = 0.001, fallbackName = 'part'): void {
  const meshes = result.meshes.map((mesh, i) => builder.mesh(toMeshInput(mesh, `${fallbackName}_${i + 1}`, mmToMetres)));
  // A part file placed into an assembly holds one product: its content goes straight under the
  // occurrence node, named by the assembly (part files often call their product "MASTER").
  const tops = result.root.name === '' && result.root.meshes.length === 0 ? result.root.children : [result.root];
  const single = tops.length === 1 ? tops[0] : undefined;
  if (parent && single) {
    const sole = soleMesh(single);
    const only = sole === null ? undefined : meshes[sole];
    if (only) {
      // The occurrence's product name says more than the part file's own (often "MASTER" or "SOLID").
      only.setName(parent.getName() || only.getName());
      parent.setMesh(only);
      return;
    }
    for (const i of single.meshes) {
      const mesh = meshes[i];
      if (mesh) builder.node(mesh.getName(), parent, mesh);
    }
    for (const child of single.children.filter(hasMeshes)) addNodes(builder, child, parent, meshes, false);
    return;
  }
  addNodes(builder, result.root, parent, meshes, true);
}

function toMeshInput(mesh: OcctMesh, fallbackName: string, scale: number) {
  const source = mesh.attributes.position.array;
  const positions = new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) positions[i] = (source[i] ?? 0) * scale;
  const normals = mesh.attributes.normal ? Float32Array.from(mesh.attributes.normal.array) : undefined;
  return { name: mesh.name || fallbackName, positions, normals, groups: colorGroups(mesh) };
}

/** Splits the triangles by effective color (face color, else part color): one primitive each. */
function colorGroups(mesh: OcctMesh): MeshGroup[] {
  const index = mesh.index.array;
  const triangleCount = Math.floor(index.length / 3);
  const partColor: Rgb | null = mesh.color ?? null;
  const colorOf: (Rgb | null)[] = new Array<Rgb | null>(triangleCount).fill(partColor);
  for (const face of mesh.brep_faces) {
    if (!face.color) continue;
    for (let t = face.first; t <= face.last && t < triangleCount; t++) colorOf[t] = face.color;
  }
  const groups = new Map<string, { color: Rgb | null; triangles: number[] }>();
  for (let t = 0; t < triangleCount; t++) {
    const color = colorOf[t] ?? null;
    const key = color ? color.join(',') : 'none';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { color, triangles: [] }));
    group.triangles.push(t);
  }
  return [...groups.values()].map(({ color, triangles }) => {
    const indices = new Uint32Array(triangles.length * 3);
    triangles.forEach((t, i) => {
      indices[i * 3] = index[t * 3] ?? 0;
      indices[i * 3 + 1] = index[t * 3 + 1] ?? 0;
      indices[i * 3 + 2] = index[t * 3 + 2] ?? 0;
    });
    return { color, indices };
  });
}

const hasMeshes = (node: OcctNode): boolean => node.meshes.length > 0 || node.children.some(hasMeshes);

/** The one mesh a subtree holds, when it holds exactly one. */
function soleMesh(node: OcctNode): number | null {
  const children = node.children.filter(hasMeshes);
  if (node.meshes.length === 1 && children.length === 0) return node.meshes[0] ?? null;
  if (node.meshes.length === 0 && children.length === 1 && children[0]) return soleMesh(children[0]);
  return null;
}

/** Mirrors OpenCascade's assembly tree; its nameless top node is dropped. */
function addNodes(builder: GlbBuilder, source: OcctNode, parent: Node | null, meshes: ReturnType<GlbBuilder['mesh']>[], isRoot: boolean): void {
  if (isRoot && source.name === '' && source.meshes.length === 0) {
    for (const child of source.children) addNodes(builder, child, parent, meshes, false);
    return;
  }
  const only = source.meshes.length === 1 && source.children.length === 0 ? meshes[source.meshes[0] ?? -1] : undefined;
  if (only) {
    builder.node(source.name || only.getName(), parent, only);
    return;
  }
  const node = builder.node(source.name, parent);
  for (const index of source.meshes) {
    const mesh = meshes[index];
    if (mesh) builder.node(mesh.getName(), node, mesh);
  }
  for (const child of source.children) addNodes(builder, child, node, meshes, false);
}
