import { argsOf, listOf, readStepEntities, refOf, stringOf, type StepEntity, type StepValue } from './step-entities';

/** A 4×4 column-major matrix (glTF's layout). */
export type Mat4 = number[];

export const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let col = 0; col < 4; col++) for (let row = 0; row < 4; row++) for (let k = 0; k < 4; k++) out[col * 4 + row] = (out[col * 4 + row] ?? 0) + (a[k * 4 + row] ?? 0) * (b[col * 4 + k] ?? 0);
  return out;
}

/** Inverse of a rigid transform (rotation + translation). */
export function invertRigid(m: Mat4): Mat4 {
  const r = (row: number, col: number) => m[col * 4 + row] ?? 0;
  const out = [...IDENTITY];
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) out[col * 4 + row] = r(col, row);
  for (let row = 0; row < 3; row++) out[12 + row] = -(r(0, row) * (m[12] ?? 0) + r(1, row) * (m[13] ?? 0) + r(2, row) * (m[14] ?? 0));
  return out;
}

/** An occurrence of a product in an assembly: the child, and where it sits in its parent (file units). */
export interface Occurrence {
  child: number;
  matrix: Mat4;
}

export interface StepStructure {
  /** PRODUCT_DEFINITION id → the product's name. */
  names: Map<number, string>;
  /** PRODUCT_DEFINITION id → the external file holding its shape (DOCUMENT_FILE). */
  documents: Map<number, string>;
  /** Parent PRODUCT_DEFINITION id → its occurrences (NEXT_ASSEMBLY_USAGE_OCCURRENCE). */
  children: Map<number, Occurrence[]>;
  /** Product definitions no occurrence uses: the top of the tree. */
  roots: number[];
}

const WANTED = new Set([
  'PRODUCT',
  'PRODUCT_DEFINITION',
  'PRODUCT_DEFINITION_WITH_ASSOCIATED_DOCUMENTS',
  'PRODUCT_DEFINITION_FORMATION',
  'PRODUCT_DEFINITION_FORMATION_WITH_SPECIFIED_SOURCE',
  'PRODUCT_DEFINITION_SHAPE',
  'SHAPE_DEFINITION_REPRESENTATION',
  'NEXT_ASSEMBLY_USAGE_OCCURRENCE',
  'CONTEXT_DEPENDENT_SHAPE_REPRESENTATION',
  'REPRESENTATION_RELATIONSHIP',
  'ITEM_DEFINED_TRANSFORMATION',
  'AXIS2_PLACEMENT_3D',
  'CARTESIAN_POINT',
  'DIRECTION',
  'DOCUMENT_FILE',
  'APPLIED_DOCUMENT_REFERENCE',
]);

/** A referenced file's name as the set holds it: DOCUMENT_FILE ids may carry a path from the author's machine. */
export function documentBaseName(name: string): string {
  return name.split(/[\\/]/).pop()?.trim() ?? name.trim();
}

function numbers(value: StepValue | undefined): number[] {
  return listOf(value).map((v) => (typeof v === 'number' ? v : 0));
}

/** AXIS2_PLACEMENT_3D as a matrix: z the axis, x the reference direction made orthogonal to it. */
function placement(entities: Map<number, StepEntity>, id: number | null, unitScale: number): Mat4 | null {
  const args = argsOf(entities.get(id ?? -1), 'AXIS2_PLACEMENT_3D');
  if (!args) return null;
  const point = numbers(argsOf(entities.get(refOf(args[1]) ?? -1), 'CARTESIAN_POINT')?.[1]);
  const axisArgs = argsOf(entities.get(refOf(args[2]) ?? -1), 'DIRECTION');
  const refArgs = argsOf(entities.get(refOf(args[3]) ?? -1), 'DIRECTION');
  const normalize = (v: number[]) => {
    const length = Math.hypot(...v) || 1;
    return v.map((c) => c / length);
  };
  const z = normalize(axisArgs ? numbers(axisArgs[1]) : [0, 0, 1]);
  let x = refArgs ? numbers(refArgs[1]) : [1, 0, 0];
  const dot = (x[0] ?? 0) * (z[0] ?? 0) + (x[1] ?? 0) * (z[1] ?? 0) + (x[2] ?? 0) * (z[2] ?? 0);
  x = normalize(x.map((c, i) => c - dot * (z[i] ?? 0)));
  if (Math.hypot(...x) < 0.5) x = Math.abs(z[0] ?? 0) < 0.9 ? normalize([1 - (z[0] ?? 0) * (z[0] ?? 0), -(z[0] ?? 0) * (z[1] ?? 0), -(z[0] ?? 0) * (z[2] ?? 0)]) : [0, 1, 0];
  const [zx = 0, zy = 0, zz = 1] = z;
  const [xx = 1, xy = 0, xz = 0] = x;
  const y = [zy * xz - zz * xy, zz * xx - zx * xz, zx * xy - zy * xx];
  const [px = 0, py = 0, pz = 0] = point;
  return [xx, xy, xz, 0, y[0] ?? 0, y[1] ?? 0, y[2] ?? 0, 0, zx, zy, zz, 0, px * unitScale, py * unitScale, pz * unitScale, 1];
}

/**
 * Reads a STEP file's product structure: which products it has, which of them live in other
 * files, and where each occurrence is placed. `unitScale` converts the file's length unit into
 * the unit the matrices are wanted in.
 */
export function readStepStructure(data: Buffer, unitScale: number): StepStructure {
  const entities = readStepEntities(data, WANTED);
  const byType = (type: string) => [...entities.values()].filter((e) => e.parts.some((p) => p.type === type));
  const names = new Map<number, string>();
  const formationOf = new Map<number, number>(); // formation → product definition
  const productOf = new Map<number, number>(); // product → product definition
  const pdIds: number[] = [];
  for (const type of ['PRODUCT_DEFINITION', 'PRODUCT_DEFINITION_WITH_ASSOCIATED_DOCUMENTS']) {
    for (const pd of byType(type)) {
      const args = argsOf(pd, type) ?? [];
      const formation = refOf(args[2]);
      const formationEntity = entities.get(formation ?? -1);
      const product = refOf((argsOf(formationEntity, 'PRODUCT_DEFINITION_FORMATION') ?? argsOf(formationEntity, 'PRODUCT_DEFINITION_FORMATION_WITH_SPECIFIED_SOURCE'))?.[2]);
      const productArgs = argsOf(entities.get(product ?? -1), 'PRODUCT');
      names.set(pd.id, stringOf(productArgs?.[1]).trim() || stringOf(productArgs?.[0]).trim() || `product_${pd.id}`);
      if (formation !== null) formationOf.set(formation, pd.id);
      if (product !== null) productOf.set(product, pd.id);
      pdIds.push(pd.id);
    }
  }
  const toPd = (id: number | null) => (id === null ? null : names.has(id) ? id : (formationOf.get(id) ?? productOf.get(id) ?? null));

  const documents = new Map<number, string>();
  const documentName = (id: number | null) => {
    const args = argsOf(entities.get(id ?? -1), 'DOCUMENT_FILE');
    return args ? documentBaseName(stringOf(args[0]).trim() || stringOf(args[1])) : '';
  };
  for (const reference of byType('APPLIED_DOCUMENT_REFERENCE')) {
    const args = argsOf(reference, 'APPLIED_DOCUMENT_REFERENCE') ?? [];
    const name = documentName(refOf(args[0]));
    if (!name) continue;
    for (const item of listOf(args[2])) {
      const pd = toPd(refOf(item));
      if (pd !== null) documents.set(pd, name);
    }
  }
  for (const pd of byType('PRODUCT_DEFINITION_WITH_ASSOCIATED_DOCUMENTS')) {
    const docs = listOf(argsOf(pd, 'PRODUCT_DEFINITION_WITH_ASSOCIATED_DOCUMENTS')?.[4]).map((d) => documentName(refOf(d))).filter(Boolean);
    if (docs[0] && !documents.has(pd.id)) documents.set(pd.id, docs[0]);
  }

  // The representation of each product definition (PDS → SDR), to tell the two sides of a placement apart.
  const shapeOfDefinition = new Map<number, number>(); // definition (PD or NAUO) → PRODUCT_DEFINITION_SHAPE
  for (const pds of byType('PRODUCT_DEFINITION_SHAPE')) {
    const definition = refOf(argsOf(pds, 'PRODUCT_DEFINITION_SHAPE')?.[2]);
    if (definition !== null) shapeOfDefinition.set(definition, pds.id);
  }
  const representationOfShape = new Map<number, number>();
  for (const sdr of byType('SHAPE_DEFINITION_REPRESENTATION')) {
    const args = argsOf(sdr, 'SHAPE_DEFINITION_REPRESENTATION') ?? [];
    const pds = refOf(args[0]);
    const rep = refOf(args[1]);
    if (pds !== null && rep !== null) representationOfShape.set(pds, rep);
  }
  const placementOfShape = new Map<number, Mat4>(); // NAUO's PDS → matrix
  for (const cdsr of byType('CONTEXT_DEPENDENT_SHAPE_REPRESENTATION')) {
    const args = argsOf(cdsr, 'CONTEXT_DEPENDENT_SHAPE_REPRESENTATION') ?? [];
    const relation = entities.get(refOf(args[0]) ?? -1);
    const pds = refOf(args[1]);
    const rel = argsOf(relation, 'REPRESENTATION_RELATIONSHIP');
    const transform = refOf(argsOf(relation, 'REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION')?.[0]);
    const idt = argsOf(entities.get(transform ?? -1), 'ITEM_DEFINED_TRANSFORMATION');
    if (pds === null || !rel || !idt) continue;
    const from = placement(entities, refOf(idt[2]), unitScale);
    const to = placement(entities, refOf(idt[3]), unitScale);
    if (!from || !to) continue;
    placementOfShape.set(pds, multiply(to, invertRigid(from)));
    // rep_1 is the child's representation by the standard; some writers swap the two.
    const nauo = refOf(argsOf(entities.get(pds), 'PRODUCT_DEFINITION_SHAPE')?.[2]);
    const parentPd = refOf(argsOf(entities.get(nauo ?? -1), 'NEXT_ASSEMBLY_USAGE_OCCURRENCE')?.[3]);
    const parentRep = representationOfShape.get(shapeOfDefinition.get(parentPd ?? -1) ?? -1);
    if (parentRep !== undefined && refOf(rel[2]) === parentRep) placementOfShape.set(pds, multiply(from, invertRigid(to)));
  }

  const children = new Map<number, Occurrence[]>();
  const used = new Set<number>();
  for (const nauo of byType('NEXT_ASSEMBLY_USAGE_OCCURRENCE')) {
    const args = argsOf(nauo, 'NEXT_ASSEMBLY_USAGE_OCCURRENCE') ?? [];
    const parent = refOf(args[3]);
    const child = refOf(args[4]);
    if (parent === null || child === null) continue;
    const matrix = placementOfShape.get(shapeOfDefinition.get(nauo.id) ?? -1) ?? IDENTITY;
    children.set(parent, [...(children.get(parent) ?? []), { child, matrix }]);
    used.add(child);
  }
  return { names, documents, children, roots: pdIds.filter((id) => !used.has(id)) };
}
