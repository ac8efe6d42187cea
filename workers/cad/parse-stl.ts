import { CadIngestError } from './errors';
import { GlbBuilder } from './glb-builder';
import { FloatList, forEachLine } from './text-lines';

/**
 * STL is one triangle soup with no units, names or colors: one part named after the file.
 * Vertices stay unshared and without normals, so glTF readers shade the facets flat (the spec
 * asks for flat normals when none are given), which is what an STL looks like.
 */
export function parseBinaryStl(data: Buffer, file: string, partName: string, metresPerUnit: number): GlbBuilder {
  if (data.length < 84) throw new CadIngestError('TRUNCATED', file, `binary STL is truncated: ${data.length} bytes, shorter than the 84-byte header`);
  const count = data.readUInt32LE(80);
  const needed = 84 + 50 * count;
  if (needed > data.length) {
    throw new CadIngestError('TRUNCATED', file, `binary STL is truncated: its header declares ${count} triangles (${needed} bytes) but the file has ${data.length} bytes`);
  }
  if (count === 0) throw new CadIngestError('ZERO_TRIANGLES', file, 'binary STL declares 0 triangles: there is no geometry');
  const positions = new Float32Array(count * 9);
  for (let t = 0; t < count; t++) {
    // 12 bytes of facet normal, then three vertices, then a 2-byte attribute.
    const base = 84 + t * 50 + 12;
    for (let k = 0; k < 9; k++) positions[t * 9 + k] = data.readFloatLE(base + k * 4) * metresPerUnit;
  }
  assertFinite(positions, file);
  const builder = new GlbBuilder();
  builder.node(partName, null, builder.mesh({ name: partName, positions, groups: [{ color: null }] }));
  return builder;
}

export function parseAsciiStl(data: Buffer, file: string, partName: string, metresPerUnit: number): GlbBuilder {
  const positions = new FloatList();
  let ended = false;
  let problem: string | null = null;
  forEachLine(data, (raw, lineNumber) => {
    if (problem !== null) return;
    const line = raw.trim();
    if (line.startsWith('vertex')) {
      const parts = line.split(/\s+/);
      const [x, y, z] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
      if (parts.length !== 4 || !Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
        problem = `ASCII STL has a bad vertex on line ${lineNumber}: "${line.slice(0, 80)}"`;
        return;
      }
      positions.push3(x * metresPerUnit, y * metresPerUnit, z * metresPerUnit);
    } else if (line.startsWith('endsolid')) {
      ended = true;
    }
  });
  if (problem !== null) throw new CadIngestError('CORRUPT', file, problem);
  if (!ended) throw new CadIngestError('TRUNCATED', file, 'ASCII STL is truncated: it has no closing "endsolid" line');
  if (positions.length % 9 !== 0) throw new CadIngestError('CORRUPT', file, `ASCII STL has ${positions.length / 3} vertices, not a multiple of 3 (a facet is incomplete)`);
  if (positions.length === 0) throw new CadIngestError('ZERO_TRIANGLES', file, 'ASCII STL has no facets: there is no geometry');
  const builder = new GlbBuilder();
  builder.node(partName, null, builder.mesh({ name: partName, positions: positions.toArray(), groups: [{ color: null }] }));
  return builder;
}

function assertFinite(values: Float32Array, file: string): void {
  for (const v of values) {
    if (!Number.isFinite(v)) throw new CadIngestError('CORRUPT', file, 'binary STL has vertices that are not finite numbers (NaN or infinity): not an STL, or damaged');
  }
}
