/**
 * A blob named by its content: the sha256 of its bytes and their count. Both sides of a transfer
 * name files this way, so "do you have it?" is a lookup and a received file is checked, not trusted.
 */
export interface BlobRef {
  sha256: string;
  size: number;
}

/** Larger than any scene or frame a render moves (1 TiB); also keeps sizes exact as JS numbers. */
export const MAX_BLOB_BYTES = 2 ** 40;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A ref that is not one: the message names the field path and the value found. */
export class InvalidBlobRef extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidBlobRef';
  }
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The ref in `value`, checked strictly; `path` prefixes the field names in errors ("blobs.3"). */
export function parseBlobRef(value: unknown, path = ''): BlobRef {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (typeof value !== 'object' || value === null) throw new InvalidBlobRef(path, `${path || 'blob ref'} must be an object {sha256, size}, found ${shown(value)}`);
  const { sha256, size } = value as { sha256?: unknown; size?: unknown };
  checkSha256(sha256, at('sha256'));
  checkSize(size, at('size'));
  return { sha256, size };
}

export function checkSha256(value: unknown, path = 'sha256'): asserts value is string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) {
    throw new InvalidBlobRef(path, `${path} must be 64 lowercase hex digits, found ${shown(value)}`);
  }
}

export function checkSize(value: unknown, path = 'size'): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= MAX_BLOB_BYTES) {
    throw new InvalidBlobRef(path, `${path} must be an integer from 0 to ${MAX_BLOB_BYTES - 1}, found ${shown(value)}`);
  }
}

/** A decimal integer from a URL or header ("12"), or the error naming `path`; no signs, no exponents. */
export function parseDecimal(text: string | null, path: string): number {
  if (text === null || !/^\d{1,16}$/.test(text)) throw new InvalidBlobRef(path, `${path} must be a decimal integer, found ${shown(text)}`);
  return Number(text);
}

/** The one name a ref goes by on disk and in logs. */
export function blobKey(ref: BlobRef): string {
  return `${ref.sha256}-${ref.size}`;
}
