import fs from 'node:fs';
import path from 'node:path';
import type { KeyValueStore } from './key-value-store';

export class StoreFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`settings file ${file} ${reason}`);
    this.name = 'StoreFileError';
  }
}

/**
 * File-backed store with electron-store's interface, for plain Node. Writes are atomic
 * (temp file, fsync, rename) so a crash never leaves a half-written file.
 * A file that is not a JSON object is never overwritten: it is refused with its name.
 */
export class JsonFileStore<T extends Record<string, unknown>> implements KeyValueStore<T> {
  readonly path: string;
  private data: T;

  constructor(options: { cwd: string; name?: string }) {
    this.path = path.join(options.cwd, `${options.name ?? 'config'}.json`);
    this.data = this.read();
  }

  private read(): T {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {} as T;
      throw new StoreFileError(this.path, `cannot be read: ${(error as Error).message}`);
    }
    if (text.trim() === '') return {} as T;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new StoreFileError(this.path, `is not valid JSON (${(error as Error).message}); fix or remove it`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new StoreFileError(this.path, 'does not hold a JSON object; fix or remove it');
    }
    return value as T;
  }

  private write(): void {
    fs.mkdirSync(path.dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, `${JSON.stringify(this.data, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.path);
  }

  get store(): T {
    return structuredClone(this.data);
  }

  set store(value: T) {
    this.data = structuredClone(value);
    this.write();
  }

  get<K extends keyof T>(key: K): T[K] | undefined {
    const value = this.data[key];
    return value === undefined ? undefined : structuredClone(value);
  }

  set<K extends keyof T>(key: K, value: T[K]): void {
    this.data = { ...this.data, [key]: structuredClone(value) };
    this.write();
  }

  has(key: keyof T): boolean {
    return Object.prototype.hasOwnProperty.call(this.data, key);
  }

  delete(key: keyof T): void {
    const next = { ...this.data };
    delete next[key];
    this.data = next;
    this.write();
  }

  clear(): void {
    this.data = {} as T;
    this.write();
  }
}
