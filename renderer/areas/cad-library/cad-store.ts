import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract';
import { CAD_UPLOAD_CHUNK_BYTES, type CadFile } from '../../../shared/cad/api';
import { useClient } from '../../app/services';
import { oneRoundAtATime } from '../../app/one-round-at-a-time';
import { errorText } from '../../transport/errors';
import { bytesToBase64 } from './base64';

export type UploadPhase = 'waiting' | 'uploading' | 'finishing' | 'done' | 'failed';

/** One file the user handed over, from the picker or a drop, while and after it travels. */
export interface UploadItem {
  key: string;
  fileName: string;
  bytes: number;
  /** Bytes the backend confirmed so far. */
  sent: number;
  phase: UploadPhase;
  /** Why the upload failed (the backend's message). Ingest failures live on the CAD file. */
  error: string | null;
  /** The library entry it became, once finished. */
  cadFileId: string | null;
  /** false: the same content was already in the library. */
  created: boolean | null;
}

/** The library under a text search (cad.list `q`: file name or id), read page by page like the library. */
export interface CadSearch {
  q: string;
  files: CadFile[];
  cursor: string | null;
  loadingMore: boolean;
  /** cad.list has answered this search at least once. */
  loaded: boolean;
}

export interface CadLibraryState {
  /** The files read so far, newest first (page by page), patched by cad.changed events. */
  files: CadFile[];
  /** Where the next page starts; null when every file is read. */
  cursor: string | null;
  loadingMore: boolean;
  /** cad.list has answered at least once. */
  loaded: boolean;
  error: string | null;
  uploads: UploadItem[];
  /** Thumbnails by thumbnailKey(): a data: URL, or null when there is none or it failed to load. */
  thumbnails: Record<string, string | null>;
  /** Files whose retry or delete call is out. */
  busy: Record<string, boolean>;
  /** A refused retry or delete, per file, with the backend's message. */
  actionErrors: Record<string, string>;
  /**
   * The library page's search, beside `files` (which stay the whole library: the order form and
   * the import panel read them); null when the page lists every file.
   */
  search: CadSearch | null;
}

export interface CadLibraryModel {
  store: StoreApi<CadLibraryState>;
  refresh(): Promise<void>;
  /** The next page of the library (of the search, while there is one). */
  loadMore(): Promise<void>;
  /** Searches the library page's list (trimmed, '' for none): a different text starts it over from the first page. */
  setSearch(q: string): void;
  /** Queues files for upload; they travel one after the other, in chunks. */
  upload(files: readonly File[]): void;
  loadThumbnail(cad: CadFile): void;
  clearFinishedUploads(): void;
  /** Ingests a failed file again; its row follows by cad.changed events. */
  retry(id: string): Promise<void>;
  /** Deletes a file; answers the backend's refusal (e.g. the order lines using it) or null. */
  remove(id: string): Promise<string | null>;
}

export function thumbnailKey(cad: CadFile): string {
  return `${cad.id}:${cad.glbSha256 ?? ''}`;
}

function newer(a: CadFile, b: CadFile): boolean {
  return a.updatedAt > b.updatedAt;
}

const THUMBNAILS_AT_ONCE = 4;
/** How long a searched list waits after a change to a file it does not show before reading its first page again. */
const SEARCH_REFRESH_DELAY_MS = 200;

/**
 * The CAD library lives outside the page, so uploads keep going (and their outcome stays
 * visible) when the user navigates away and back. Kept current by cad.changed events.
 */
export function createCadLibraryModel(client: ContractClient): CadLibraryModel {
  const store = createStore<CadLibraryState>(() => ({ files: [], cursor: null, loadingMore: false, loaded: false, error: null, uploads: [], thumbnails: {}, busy: {}, actionErrors: {}, search: null }));
  const pending = new Map<string, File>();
  let pumping = false;
  let uploadSeq = 0;
  /** Ids upserted while a cad.list call is out; the list may predate them. */
  let upsertedDuringRefresh: Set<string> | null = null;

  /** Deleted here, with the row's last update: a late cad.changed event must not bring it back (a new import may). */
  const deleted = new Map<string, string>();

  const isGone = (cad: CadFile) => {
    const gone = deleted.get(cad.id);
    return gone !== undefined && cad.updatedAt <= gone;
  };

  const upsert = (cad: CadFile) => {
    if (isGone(cad)) return;
    upsertedDuringRefresh?.add(cad.id);
    store.setState((s) => {
      const index = s.files.findIndex((f) => f.id === cad.id);
      if (index < 0) return { files: [cad, ...s.files] };
      const current = s.files[index]!;
      if (newer(current, cad)) return {};
      const files = s.files.slice();
      files[index] = cad;
      return { files };
    });
    // A searched list: a row it shows is patched in place; any other file may be one it should show
    // (whether it matches is the backend's to say), so its first page is read again.
    const search = store.getState().search;
    if (!search) return;
    const index = search.files.findIndex((f) => f.id === cad.id);
    if (index < 0) {
      scheduleSearchRefresh();
      return;
    }
    if (newer(search.files[index]!, cad)) return;
    const files = search.files.slice();
    files[index] = cad;
    store.setState({ search: { ...search, files } });
  };

  client.on('cad.changed', (cad) => upsert(cad));

  let refreshing: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    refreshing ??= (async () => {
      const seen = new Set<string>();
      upsertedDuringRefresh = seen;
      try {
        // The first page; files read further down by scrolling keep their place after it.
        const { items: cadFiles, nextCursor } = await client.call('cad.list', {});
        store.setState((s) => {
          const mine = new Map(s.files.map((f) => [f.id, f]));
          const merged = cadFiles.map((f) => {
            const held = mine.get(f.id);
            return held && newer(held, f) ? held : f;
          });
          const listed = new Set(cadFiles.map((f) => f.id));
          const added = s.files.filter((f) => !listed.has(f.id) && seen.has(f.id));
          const oldest = cadFiles.at(-1)?.createdAt;
          const older = s.loaded && oldest && nextCursor ? s.files.filter((f) => !listed.has(f.id) && !seen.has(f.id) && f.createdAt < oldest) : [];
          return { files: [...added, ...merged, ...older], cursor: older.length > 0 ? s.cursor : nextCursor, loaded: true, error: null };
        });
      } catch (error) {
        store.setState({ error: `The CAD library could not be read: ${errorText(error)}` });
      } finally {
        upsertedDuringRefresh = null;
        refreshing = null;
      }
    })();
    if (store.getState().search) void refreshSearch();
    return refreshing;
  };

  /** Bumped when the search changes: a page read for the previous one is dropped. */
  let searchGeneration = 0;
  /**
   * The first page of the search: when it starts, after a reconnect, and after a file not shown
   * changed. Files already read keep their place, older ones (read by scrolling) after the page.
   */
  const refreshSearch = oneRoundAtATime(async () => {
    const generation = searchGeneration;
    const q = store.getState().search?.q;
    if (!q) return;
    try {
      const { items, nextCursor } = await client.call('cad.list', { q });
      if (generation !== searchGeneration) return;
      store.setState((s) => {
        const held = s.search;
        if (!held) return {};
        const mine = new Map(held.files.map((f) => [f.id, f]));
        const first = items.filter((f) => !isGone(f)).map((f) => {
          const have = mine.get(f.id);
          return have && newer(have, f) ? have : f;
        });
        const listed = new Set(items.map((f) => f.id));
        const oldest = items.at(-1)?.createdAt;
        const older = held.loaded && oldest && nextCursor ? held.files.filter((f) => !listed.has(f.id) && f.createdAt < oldest) : [];
        return { search: { ...held, files: [...first, ...older], cursor: older.length > 0 ? held.cursor : nextCursor, loaded: true }, error: null };
      });
    } catch (error) {
      if (generation === searchGeneration) store.setState((s) => ({ search: s.search && { ...s.search, loaded: true }, error: `The CAD library could not be searched: ${errorText(error)}` }));
    }
  });

  let searchTimer: ReturnType<typeof setTimeout> | null = null;
  /** Several files change at once (an import, an ingest): one read of the first page after them. */
  const scheduleSearchRefresh = () => {
    searchTimer ??= setTimeout(() => {
      searchTimer = null;
      void refreshSearch();
    }, SEARCH_REFRESH_DELAY_MS);
  };

  const setSearch = (text: string) => {
    const q = text.trim().slice(0, 200);
    if (q === (store.getState().search?.q ?? '')) return;
    searchGeneration += 1;
    store.setState({ search: q ? { q, files: [], cursor: null, loadingMore: false, loaded: false } : null, error: null });
    if (q) void refreshSearch();
  };

  const loadMoreFound = async (search: CadSearch): Promise<void> => {
    if (!search.cursor || search.loadingMore) return;
    const generation = searchGeneration;
    store.setState({ search: { ...search, loadingMore: true } });
    try {
      const page = await client.call('cad.list', { q: search.q, cursor: search.cursor });
      if (generation !== searchGeneration) return;
      store.setState((s) => {
        if (!s.search) return {};
        const have = new Set(s.search.files.map((f) => f.id));
        return { search: { ...s.search, files: [...s.search.files, ...page.items.filter((f) => !have.has(f.id) && !isGone(f))], cursor: page.nextCursor, loadingMore: false } };
      });
    } catch (error) {
      if (generation === searchGeneration) store.setState((s) => ({ search: s.search && { ...s.search, loadingMore: false }, error: `More CAD files could not be read: ${errorText(error)}` }));
    }
  };

  const loadMore = async (): Promise<void> => {
    const search = store.getState().search;
    if (search) return loadMoreFound(search);
    const { cursor, loadingMore } = store.getState();
    if (!cursor || loadingMore) return;
    store.setState({ loadingMore: true });
    try {
      const page = await client.call('cad.list', { cursor });
      store.setState((s) => {
        const have = new Set(s.files.map((f) => f.id));
        return { files: [...s.files, ...page.items.filter((f) => !have.has(f.id))], cursor: page.nextCursor, loadingMore: false };
      });
    } catch (error) {
      store.setState({ loadingMore: false, error: `More CAD files could not be read: ${errorText(error)}` });
    }
  };

  const patchUpload = (key: string, patch: Partial<UploadItem>) => {
    store.setState((s) => ({ uploads: s.uploads.map((u) => (u.key === key ? { ...u, ...patch } : u)) }));
  };

  const send = async (item: UploadItem, file: File) => {
    if (file.size === 0) {
      patchUpload(item.key, { phase: 'failed', error: `${file.name}: the file is empty` });
      return;
    }
    try {
      patchUpload(item.key, { phase: 'uploading' });
      const begun = await client.call('cad.uploadBegin', { fileName: file.name, bytes: file.size });
      const chunk = Math.max(1, Math.min(begun.chunkBytes || CAD_UPLOAD_CHUNK_BYTES, CAD_UPLOAD_CHUNK_BYTES));
      for (let offset = 0; offset < file.size; offset += chunk) {
        const bytes = new Uint8Array(await file.slice(offset, offset + chunk).arrayBuffer());
        const answer = await client.call('cad.uploadChunk', { uploadId: begun.uploadId, offset, base64: bytesToBase64(bytes) });
        patchUpload(item.key, { sent: Math.min(answer.received, file.size) });
      }
      patchUpload(item.key, { phase: 'finishing', sent: file.size });
      const { cadFile, created } = await client.call('cad.uploadFinish', { uploadId: begun.uploadId });
      upsert(cadFile);
      patchUpload(item.key, { phase: 'done', cadFileId: cadFile.id, created });
    } catch (error) {
      patchUpload(item.key, { phase: 'failed', error: errorText(error) });
    }
  };

  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        const next = store.getState().uploads.find((u) => u.phase === 'waiting');
        if (!next) break;
        const file = pending.get(next.key);
        pending.delete(next.key);
        if (file) await send(next, file);
        else patchUpload(next.key, { phase: 'failed', error: 'the file was lost before it could be sent' });
      }
    } finally {
      pumping = false;
    }
  };

  const upload = (files: readonly File[]) => {
    if (files.length === 0) return;
    const items = files.map((file): UploadItem => {
      uploadSeq += 1;
      const key = `upload-${uploadSeq}`;
      pending.set(key, file);
      return { key, fileName: file.name, bytes: file.size, sent: 0, phase: 'waiting', error: null, cadFileId: null, created: null };
    });
    store.setState((s) => ({ uploads: [...items, ...s.uploads] }));
    void pump();
  };

  const thumbnailQueue: CadFile[] = [];
  const inFlight = new Set<string>();
  const pumpThumbnails = () => {
    while (inFlight.size < THUMBNAILS_AT_ONCE && thumbnailQueue.length > 0) {
      const cad = thumbnailQueue.shift()!;
      const key = thumbnailKey(cad);
      inFlight.add(key);
      client
        .call('cad.thumbnail', { id: cad.id })
        .then(
          ({ dataUrl }) => store.setState((s) => ({ thumbnails: { ...s.thumbnails, [key]: dataUrl } })),
          () => store.setState((s) => ({ thumbnails: { ...s.thumbnails, [key]: null } })),
        )
        .finally(() => {
          inFlight.delete(key);
          pumpThumbnails();
        });
    }
  };
  const loadThumbnail = (cad: CadFile) => {
    if (!cad.hasThumbnail) return;
    const key = thumbnailKey(cad);
    if (key in store.getState().thumbnails || inFlight.has(key) || thumbnailQueue.some((c) => thumbnailKey(c) === key)) return;
    thumbnailQueue.push(cad);
    pumpThumbnails();
  };

  const clearFinishedUploads = () => {
    store.setState((s) => ({ uploads: s.uploads.filter((u) => u.phase !== 'done' && u.phase !== 'failed') }));
  };

  const setFlag = (id: string, busy: boolean, error: string | null) =>
    store.setState((s) => {
      const nextBusy = { ...s.busy };
      if (busy) nextBusy[id] = true;
      else delete nextBusy[id];
      const actionErrors = { ...s.actionErrors };
      if (error) actionErrors[id] = error;
      else delete actionErrors[id];
      return { busy: nextBusy, actionErrors };
    });

  const retry = async (id: string): Promise<void> => {
    setFlag(id, true, null);
    try {
      const { cadFile } = await client.call('cad.retry', { id });
      upsert(cadFile);
      setFlag(id, false, null);
    } catch (error) {
      setFlag(id, false, `Retry failed: ${errorText(error)}`);
    }
  };

  const remove = async (id: string): Promise<string | null> => {
    setFlag(id, true, null);
    try {
      await client.call('cad.delete', { id });
      deleted.set(id, store.getState().files.find((f) => f.id === id)?.updatedAt ?? new Date().toISOString());
      store.setState((s) => ({ files: s.files.filter((f) => f.id !== id), search: s.search && { ...s.search, files: s.search.files.filter((f) => f.id !== id) } }));
      setFlag(id, false, null);
      return null;
    } catch (error) {
      const text = errorText(error);
      setFlag(id, false, `Not deleted: ${text}`);
      return text;
    }
  };

  return { store, refresh, loadMore, setSearch, upload, loadThumbnail, clearFinishedUploads, retry, remove };
}

const models = new WeakMap<ContractClient, CadLibraryModel>();

/** One library model per contract client, created on first use. */
export function useCadLibraryModel(): CadLibraryModel {
  const client = useClient();
  let model = models.get(client);
  if (!model) {
    model = createCadLibraryModel(client);
    models.set(client, model);
  }
  return model;
}

export function useCadLibrary<T>(select: (state: CadLibraryState) => T): T {
  return useStore(useCadLibraryModel().store, select);
}
