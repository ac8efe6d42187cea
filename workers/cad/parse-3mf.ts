import { unzipSync } from 'fflate';
import type { Node } from '@gltf-transform/core';
import { CadIngestError } from './errors';
import { GlbBuilder, type MeshGroup, type Rgb } from './glb-builder';

/** Metres per 3MF model unit (the `unit` attribute of <model>; millimetre when absent). */
const UNIT_METRES: Record<string, [string, number]> = {
  micron: ['µm', 1e-6],
  millimeter: ['mm', 0.001],
  centimeter: ['cm', 0.01],
  inch: ['in', 0.0254],
  foot: ['ft', 0.3048],
  meter: ['m', 1],
};

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

/** 3MF models are plain XML without mixed content: a small element reader is enough (and fast on millions of vertices). */
function parseXml(text: string, file: string): XmlElement {
  const root: XmlElement = { name: '#root', attrs: {}, children: [] };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g;
  const attr = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    if (m[2] === undefined) continue; // declaration, comment, CDATA
    const name = m[2].replace(/^[\w.-]+:/, ''); // namespace prefixes are dropped: elements are told apart by name
    if (m[1] === '/') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (let a = attr.exec(m[3] ?? ''); a; a = attr.exec(m[3] ?? '')) attrs[(a[1] ?? '').replace(/^[\w.-]+:(?!$)/, (p) => (p === 'xmlns:' ? p : ''))] = a[2] ?? a[3] ?? '';
    const element: XmlElement = { name, attrs, children: [] };
    stack[stack.length - 1]?.children.push(element);
    if (m[4] !== '/') stack.push(element);
  }
  const model = root.children.find((c) => c.name === 'model');
  if (!model) throw new CadIngestError('CORRUPT', file, '3MF model part has no <model> element');
  return model;
}

const child = (e: XmlElement | undefined, name: string) => e?.children.find((c) => c.name === name);
const children = (e: XmlElement | undefined, name: string) => e?.children.filter((c) => c.name === name) ?? [];

/** #RRGGBB or #RRGGBBAA (sRGB) → linear RGB, as glTF base colours are. */
function color(hex: string | undefined): Rgb | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex ?? '');
  if (!m) return null;
  const linear = (c: string) => {
    const v = parseInt(c, 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return [linear(m[1] ?? '0'), linear(m[2] ?? '0'), linear(m[3] ?? '0')];
}

/** A 3MF transform ("m00 m01 m02 m10 ... m32", row vectors) as a glTF column-major matrix. */
function matrix(transform: string | undefined, file: string, scale: number): number[] | null {
  if (!transform) return null;
  const v = transform.trim().split(/\s+/).map(Number);
  if (v.length !== 12 || v.some((n) => !Number.isFinite(n))) throw new CadIngestError('CORRUPT', file, `3MF transform "${transform}" is not 12 numbers`);
  const [a = 1, b = 0, c = 0, d = 0, e = 1, f = 0, g = 0, h = 0, i = 1, j = 0, k = 0, l = 0] = v;
  // The translation is in model units; the GLB is in metres.
  return [a, b, c, 0, d, e, f, 0, g, h, i, 0, j * scale, k * scale, l * scale, 1];
}

export interface ThreeMfParse {
  builder: GlbBuilder;
  sourceUnits: string;
  notes: string[];
}

/**
 * Reads a 3MF package (a zip of XML, 3MF core specification): its build items, the objects they
 * place (meshes, or components of other objects), names, base-material and colour-group colours,
 * and the model unit. Each mesh object placed becomes a named node; build and component
 * transforms are kept as node matrices.
 */
export function parse3mf(data: Buffer, file: string): ThreeMfParse {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), { filter: (f) => /\.model$/i.test(f.name) });
  } catch (error) {
    throw new CadIngestError('CORRUPT', file, `3MF package (a zip) cannot be read: ${(error as Error).message}`);
  }
  const models = new Map(Object.entries(entries).map(([name, bytes]) => [`/${name.replace(/^\/+/, '')}`.toLowerCase(), bytes]));
  const rootPath = [...models.keys()].find((k) => k === '/3d/3dmodel.model') ?? [...models.keys()][0];
  if (!rootPath) throw new CadIngestError('CORRUPT', file, '3MF package holds no 3D model part (3D/3dmodel.model)');
  const parsed = new Map<string, XmlElement>();
  const modelAt = (p: string): XmlElement => {
    let model = parsed.get(p);
    if (!model) {
      const bytes = models.get(p);
      if (!bytes) throw new CadIngestError('CORRUPT', file, `3MF component refers to model part ${p}, which is not in the package`);
      model = parseXml(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), file);
      parsed.set(p, model);
    }
    return model;
  };
  const root = modelAt(rootPath);
  const [sourceUnits, scale] = UNIT_METRES[root.attrs.unit ?? 'millimeter'] ?? (() => {
    throw new CadIngestError('CORRUPT', file, `3MF model unit "${root.attrs.unit}" is not one of ${Object.keys(UNIT_METRES).join(', ')}`);
  })();

  const builder = new GlbBuilder();
  const notes: string[] = [];
  /** Colour tables of a model part by resource id: basematerials and colorgroup. */
  const palettes = (model: XmlElement) => {
    const table = new Map<string, (Rgb | null)[]>();
    const resources = child(model, 'resources');
    for (const group of children(resources, 'basematerials')) table.set(group.attrs.id ?? '', children(group, 'base').map((b) => color(b.attrs.displaycolor)));
    for (const group of children(resources, 'colorgroup')) table.set(group.attrs.id ?? '', children(group, 'color').map((c) => color(c.attrs.color)));
    return table;
  };

  const place = (modelPath: string, objectId: string, parent: Node | null, transform: number[] | null, depth: number) => {
    if (depth > 32) throw new CadIngestError('CORRUPT', file, '3MF components nest more than 32 deep (a cycle?)');
    const model = modelAt(modelPath);
    const object = children(child(model, 'resources'), 'object').find((o) => o.attrs.id === objectId);
    if (!object) throw new CadIngestError('CORRUPT', file, `3MF build refers to object ${objectId}, which ${modelPath} does not define`);
    const name = object.attrs.name || `object_${objectId}`;
    const node = builder.node(name, parent);
    if (transform) node.setMatrix(transform as Parameters<Node['setMatrix']>[0]);
    const mesh = child(object, 'mesh');
    if (mesh) {
      const vertices = children(child(mesh, 'vertices'), 'vertex');
      const positions = new Float32Array(vertices.length * 3);
      vertices.forEach((v, i) => {
        positions[i * 3] = Number(v.attrs.x) * scale;
        positions[i * 3 + 1] = Number(v.attrs.y) * scale;
        positions[i * 3 + 2] = Number(v.attrs.z) * scale;
      });
      const table = palettes(model);
      const objectColor = table.get(object.attrs.pid ?? '')?.[Number(object.attrs.pindex ?? 0)] ?? null;
      const groups = new Map<string, { color: Rgb | null; indices: number[] }>();
      for (const t of children(child(mesh, 'triangles'), 'triangle')) {
        const corners = [t.attrs.v1, t.attrs.v2, t.attrs.v3].map(Number);
        if (corners.some((c) => !Number.isInteger(c) || c < 0 || c >= vertices.length)) {
          throw new CadIngestError('CORRUPT', file, `3MF object ${objectId} ("${name}") has a triangle with a vertex index outside its ${vertices.length} vertices`);
        }
        const own = t.attrs.pid !== undefined || t.attrs.p1 !== undefined ? (table.get(t.attrs.pid ?? object.attrs.pid ?? '')?.[Number(t.attrs.p1 ?? object.attrs.pindex ?? 0)] ?? null) : objectColor;
        const key = own ? own.join(',') : 'none';
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { color: own, indices: [] }));
        group.indices.push(...corners);
      }
      const meshGroups: MeshGroup[] = [...groups.values()].map((g) => ({ color: g.color, indices: Uint32Array.from(g.indices) }));
      if (meshGroups.length > 0) node.setMesh(builder.mesh({ name, positions, groups: meshGroups }));
    }
    for (const component of children(child(object, 'components'), 'component')) {
      const target = component.attrs.path ? component.attrs.path.toLowerCase() : modelPath;
      place(target, component.attrs.objectid ?? '', node, matrix(component.attrs.transform, file, scale), depth + 1);
    }
  };
  const items = children(child(root, 'build'), 'item');
  if (items.length === 0) throw new CadIngestError('ZERO_TRIANGLES', file, '3MF file builds nothing: its <build> has no items');
  for (const item of items) place(item.attrs.path ? item.attrs.path.toLowerCase() : rootPath, item.attrs.objectid ?? '', null, matrix(item.attrs.transform, file, scale), 0);
  return { builder, sourceUnits, notes };
}
