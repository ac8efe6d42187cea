import rhino3dm, { type RhinoModule } from 'rhino3dm';
import { CadIngestError } from './errors';
import { GlbBuilder, type Rgb } from './glb-builder';

/** One rhino3dm (WASM) instance per thread. */
let rhinoPromise: Promise<RhinoModule> | null = null;
const rhino = () => (rhinoPromise ??= rhino3dm());

/** Metres per Rhino unit system, by the enum's name. */
const UNITS: Record<string, [string, number]> = {
  Microns: ['µm', 1e-6],
  Millimeters: ['mm', 0.001],
  Centimeters: ['cm', 0.01],
  Decimeters: ['dm', 0.1],
  Meters: ['m', 1],
  Kilometers: ['km', 1000],
  Microinches: ['µin', 2.54e-8],
  Mils: ['mil', 2.54e-5],
  Inches: ['in', 0.0254],
  Feet: ['ft', 0.3048],
  Yards: ['yd', 0.9144],
};

interface Buffers {
  position: Float32Array;
  index: Uint32Array;
  normal?: Float32Array;
}

type Color = { r: number; g: number; b: number };
const linear = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const toRgb = (c: Color | undefined): Rgb | null => (c ? [linear(c.r), linear(c.g), linear(c.b)] : null);

export interface RhinoParse {
  builder: GlbBuilder;
  sourceUnits: string;
  notes: string[];
}

/**
 * Reads a Rhino .3dm file with McNeel's rhino3dm: the render meshes Rhino stored with each
 * object (Breps and extrusions cannot be tessellated outside Rhino), plain mesh objects, object
 * names (else the layer's), colours by the object's colour source, and the model unit.
 */
export async function parse3dm(data: Buffer, file: string, unitFallbackMetres: number): Promise<RhinoParse> {
  const r = await rhino();
  const doc = r.File3dm.fromByteArray(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!doc) throw new CadIngestError('CORRUPT', file, 'Rhino 3DM file could not be read by rhino3dm (damaged, or written by a newer Rhino)');
  const notes: string[] = [];
  try {
    const unitName = Object.entries(r.UnitSystem).find(([, v]) => v === doc.settings().modelUnitSystem)?.[0] ?? 'None';
    const [sourceUnits, scale] = UNITS[unitName] ?? ['mm', unitFallbackMetres];
    if (!UNITS[unitName]) notes.push(`Rhino model unit ${unitName} is not a length unit: assumed millimetres`);
    const layers = doc.layers();
    const builder = new GlbBuilder();
    const objects = doc.objects();
    let withoutMesh = 0;
    for (let i = 0; i < objects.count; i++) {
      const object = objects.get(i);
      const geometry = object.geometry() as unknown as { objectType: unknown; faces?: () => { count: number; get(i: number): { getMesh(t: unknown): unknown } }; getMesh?: (t: unknown) => unknown };
      const attributes = object.attributes();
      if (attributes.isInstanceDefinitionObject) continue; // block definitions are placed by references
      const meshes: Buffers[] = [];
      const take = (mesh: unknown) => {
        const m = mesh as { toThreejsBuffers?: (yUp: boolean) => Buffers } | null;
        if (m?.toThreejsBuffers) meshes.push(m.toThreejsBuffers(false));
      };
      if (geometry.objectType === r.ObjectType.Mesh) take(geometry);
      else if (geometry.objectType === r.ObjectType.Brep && geometry.faces) {
        const faces = geometry.faces();
        for (let f = 0; f < faces.count; f++) take(faces.get(f).getMesh(r.MeshType.Any));
      } else if (geometry.objectType === r.ObjectType.Extrusion && geometry.getMesh) take(geometry.getMesh(r.MeshType.Any));
      else if (geometry.objectType === r.ObjectType.Brep || geometry.objectType === r.ObjectType.Extrusion || geometry.objectType === r.ObjectType.SubD) withoutMesh++;
      if (meshes.length === 0) {
        if (geometry.objectType === r.ObjectType.Brep || geometry.objectType === r.ObjectType.Extrusion) withoutMesh++;
        continue;
      }
      const layer = layers.get(attributes.layerIndex) as { name?: string; color?: Color } | undefined;
      const name = attributes.name || layer?.name || `object_${i + 1}`;
      const source = attributes.colorSource;
      const color = source === r.ObjectColorSource.ColorFromObject ? toRgb(attributes.objectColor as Color) : source === r.ObjectColorSource.ColorFromLayer ? toRgb(layer?.color) : null;
      // One glTF mesh per object: its face meshes concatenated.
      const vertexCount = meshes.reduce((n, m) => n + m.position.length / 3, 0);
      const positions = new Float32Array(vertexCount * 3);
      const indices: number[] = [];
      let offset = 0;
      for (const m of meshes) {
        for (let k = 0; k < m.position.length; k++) positions[offset * 3 + k] = (m.position[k] ?? 0) * scale;
        for (const index of m.index) indices.push(index + offset);
        offset += m.position.length / 3;
      }
      builder.node(name, null, builder.mesh({ name, positions, groups: [{ color, indices: Uint32Array.from(indices) }] }));
    }
    if (builder.doc.getRoot().listMeshes().length === 0) {
      const what = withoutMesh > 0 ? `its ${withoutMesh} surface/solid object${withoutMesh === 1 ? ' has' : 's have'} no render mesh stored` : 'it holds no mesh, surface or solid objects';
      throw new CadIngestError(
        'ZERO_TRIANGLES',
        file,
        `Rhino 3DM file has nothing to render: ${what}. In Rhino, shade the model once and save (render meshes are kept unless "Save small" is on), or export STEP from Rhino`,
      );
    }
    if (withoutMesh > 0) notes.push(`${withoutMesh} Rhino object${withoutMesh === 1 ? '' : 's'} without a stored render mesh left out (save from Rhino with render meshes, or export STEP)`);
    return { builder, sourceUnits, notes };
  } finally {
    (doc as unknown as { delete?: () => void }).delete?.();
  }
}
