import { CadIngestError } from './errors';

/** A CAD system's own file format, recognised so the refusal can say what to do. */
interface NativeFormat {
  application: string;
  /** The kind of file, as the application calls it. */
  kind: string;
  matches: (data: Buffer, head: string) => boolean;
}

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const isOle = (data: Buffer) => data.subarray(0, 8).equals(OLE_MAGIC);
/** OLE (compound file) directory entries hold stream names in UTF-16LE; the directory can sit anywhere. */
const hasStream = (data: Buffer, name: string) => data.includes(Buffer.from(name, 'utf16le'));

const NATIVE_FORMATS: NativeFormat[] = [
  // Inventor parts and assemblies are compound files with "RSeDb"/"RSeStorage" streams.
  { application: 'Autodesk Inventor', kind: 'part or assembly (.ipt/.iam)', matches: (data) => isOle(data) && (hasStream(data, 'RSeDb') || hasStream(data, 'RSeStorage')) },
  // SolidWorks: compound files before 2015, its own container since; both carry these names.
  {
    application: 'SolidWorks',
    kind: 'part or assembly (.sldprt/.sldasm)',
    matches: (data, head) => /SldWorks|SOLIDWORKS|ISolidWorksInformation|Config-0-(Partition|Properties)/i.test(head) || (isOle(data) && (hasStream(data, 'SwDocContentMgrInfo') || hasStream(data, 'Config-0'))),
  },
  // Creo and Pro/ENGINEER files begin with "#UGC:2 PART" (or ASSEMBLY, DRAWING).
  { application: 'PTC Creo (Pro/ENGINEER)', kind: 'part or assembly (.prt/.asm)', matches: (_, head) => /^#UGC:\d/.test(head) },
  { application: 'CATIA V5', kind: 'part or product (.CATPart/.CATProduct)', matches: (_, head) => head.startsWith('V5_CFV2') || /^.{0,16}V5_CFV2/.test(head) },
  // NX (Unigraphics) parts are compound files whose streams and header name UGII.
  { application: 'Siemens NX', kind: 'part (.prt)', matches: (data, head) => /UGII|Unigraphics/.test(head) || (isOle(data) && (hasStream(data, 'UG_PART') || hasStream(data, 'UGII'))) },
  // Parasolid transmit files: text (.x_t) with the alphabet line, binary (.x_b) with the "PS" header; both name their schema SCH_.
  {
    application: 'Parasolid',
    kind: 'transmit file (.x_t/.x_b)',
    matches: (_, head) => head.startsWith('**ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') || (/^PS\0/.test(head) && head.includes('SCH_')) || /^\*\*PART1;/.test(head),
  },
  { application: 'Siemens JT', kind: 'file (.jt)', matches: (_, head) => /^Version \d+\.\d+ JT/.test(head) },
];

/**
 * Throws NATIVE_CAD when the bytes are a CAD system's own format, naming the application and
 * what to export from it; these formats are proprietary and no reader here can open them.
 */
export function refuseNativeCad(data: Buffer, file: string): void {
  const head = data.toString('latin1', 0, Math.min(data.length, 64 * 1024));
  const native = NATIVE_FORMATS.find((f) => f.matches(data, head));
  if (!native) return;
  throw new CadIngestError(
    'NATIVE_CAD',
    file,
    `this is a native ${native.application} ${native.kind}, which Lightbox cannot read: open it in ${native.application} and export it as STEP (AP214 or AP242; or IGES), then import that file`,
  );
}
