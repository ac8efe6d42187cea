// occt-import-js ships no types; this covers what workers/cad uses (see its README).
declare module 'occt-import-js' {
  export interface OcctNode {
    name: string;
    meshes: number[];
    children: OcctNode[];
  }
  export interface OcctMesh {
    name: string;
    color?: [number, number, number];
    brep_faces: { first: number; last: number; color: [number, number, number] | null }[];
    attributes: { position: { array: number[] }; normal?: { array: number[] } };
    index: { array: number[] };
  }
  export interface OcctResult {
    success: boolean;
    root: OcctNode;
    meshes: OcctMesh[];
  }
  export interface OcctParams {
    linearUnit?: 'millimeter' | 'centimeter' | 'meter' | 'inch' | 'foot';
    linearDeflectionType?: 'bounding_box_ratio' | 'absolute_value';
    linearDeflection?: number;
    angularDeflection?: number;
  }
  export interface Occt {
    ReadStepFile(content: Uint8Array, params: OcctParams | null): OcctResult;
    ReadIgesFile(content: Uint8Array, params: OcctParams | null): OcctResult;
    /** BREP has no unit: linearUnit has no effect, coordinates come out as stored. */
    ReadBrepFile(content: Uint8Array, params: OcctParams | null): OcctResult;
  }
  /** Emscripten module factory; print/printErr receive OpenCascade's messages. */
  export default function occtimportjs(module?: { print?: (text: string) => void; printErr?: (text: string) => void }): Promise<Occt>;
}
