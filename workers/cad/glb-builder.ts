import { Document, type Accessor, type Material, type Mesh, type Node } from '@gltf-transform/core';

export type Rgb = [number, number, number];

/** Colorless parts get a light neutral grey so they read as geometry in renders and thumbnails. */
export const DEFAULT_COLOR: Rgb = [0.8, 0.8, 0.8];

export interface MeshGroup {
  /** Linear RGB 0..1; null: the default material. */
  color: Rgb | null;
  /** Triangle corners into the mesh's vertices; absent: the vertices in order, three per triangle. */
  indices?: Uint32Array;
}

export interface MeshInput {
  name: string;
  /** xyz per vertex, in metres (glTF's unit). */
  positions: Float32Array;
  normals?: Float32Array;
  /** One glTF primitive per group, all sharing the vertex accessors. */
  groups: MeshGroup[];
}

function colorKey(color: Rgb | null): string {
  return color === null ? 'default' : color.map((c) => c.toFixed(4)).join(',');
}

function hex(color: Rgb): string {
  return color.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255).toString(16).padStart(2, '0')).join('');
}

/** Builds the normalized scene: one buffer, shared materials per color, named nodes and meshes. */
export class GlbBuilder {
  readonly doc = new Document();
  private readonly buffer = this.doc.createBuffer();
  readonly scene = this.doc.createScene('Scene');
  private readonly materials = new Map<string, Material>();

  constructor(generator = 'Lightbox CAD ingest') {
    this.doc.getRoot().getAsset().generator = generator;
    this.doc.getRoot().setDefaultScene(this.scene);
  }

  material(color: Rgb | null): Material {
    const key = colorKey(color);
    let material = this.materials.get(key);
    if (!material) {
      const rgb = color ?? DEFAULT_COLOR;
      material = this.doc
        .createMaterial(color === null ? 'default' : `color_${hex(rgb)}`)
        .setBaseColorFactor([rgb[0], rgb[1], rgb[2], 1])
        .setMetallicFactor(0)
        .setRoughnessFactor(0.5)
        // CAD solids are often exported with inconsistent face winding.
        .setDoubleSided(true);
      this.materials.set(key, material);
    }
    return material;
  }

  private accessor(name: string, array: Float32Array | Uint16Array | Uint32Array, type: 'VEC3' | 'SCALAR'): Accessor {
    return this.doc.createAccessor(name).setArray(array).setType(type).setBuffer(this.buffer);
  }

  mesh(input: MeshInput): Mesh {
    const mesh = this.doc.createMesh(input.name);
    const vertexCount = input.positions.length / 3;
    const position = this.accessor(`${input.name}_position`, input.positions, 'VEC3');
    const normal = input.normals ? this.accessor(`${input.name}_normal`, input.normals, 'VEC3') : null;
    for (const group of input.groups) {
      // The default mode is TRIANGLES.
      const primitive = this.doc.createPrimitive().setAttribute('POSITION', position);
      if (normal) primitive.setAttribute('NORMAL', normal);
      if (group.indices) {
        // 16-bit indices halve the index data of the many small CAD parts.
        const indices = vertexCount <= 0xffff ? Uint16Array.from(group.indices) : group.indices;
        primitive.setIndices(this.accessor(`${input.name}_indices`, indices, 'SCALAR'));
      }
      primitive.setMaterial(this.material(group.color));
      mesh.addPrimitive(primitive);
    }
    return mesh;
  }

  node(name: string, parent: Node | null, mesh?: Mesh): Node {
    const node = this.doc.createNode(name);
    if (mesh) node.setMesh(mesh);
    if (parent) parent.addChild(node);
    else this.scene.addChild(node);
    return node;
  }
}
