/**
 * The slice of electron-store's interface Lightbox relies on. In the Electron app it is
 * electron-store itself; in plain Node (CLI, headless host, tests) a JSON file store.
 */
export interface KeyValueStore<T extends Record<string, unknown>> {
  /** The whole stored object. Assigning replaces it. */
  store: T;
  readonly path: string;
  get<K extends keyof T>(key: K): T[K] | undefined;
  set<K extends keyof T>(key: K, value: T[K]): void;
  has(key: keyof T): boolean;
  delete(key: keyof T): void;
  clear(): void;
}
