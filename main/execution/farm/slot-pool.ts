import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { buildSync } from 'esbuild';
import Piscina from 'piscina';
import type { SlotCommand, SlotMessage, SlotResult, SlotTask } from '../../../workers/farm/protocol';

/**
 * The worker threads of the local farm. Each slot gets its own one-thread piscina pool: a warm
 * Blender's pipes belong to the thread that spawned it, so a slot's jobs must always land on
 * the same thread, which one shared pool cannot promise. Piscina still gives us worker
 * lifecycle, task transport and thread replacement when a task is aborted.
 */

const WORKER = 'farm/blender-slot.worker';

/**
 * The bundled worker next to the bundled main code (dist/main/*.mjs → dist/workers/farm/...).
 * From TypeScript sources (vitest, dev) a worker thread cannot load .ts, so the worker is
 * bundled on the spot with esbuild (a dev dependency, present wherever sources run) into
 * node_modules/.cache, inside the tree so its package imports and resources/ still resolve.
 */
export function farmWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.mjs') || here.endsWith('.js')) {
    const bundled = fileURLToPath(new URL(`../workers/${WORKER}.mjs`, import.meta.url));
    if (fs.existsSync(bundled)) return bundled;
    throw new Error(`the farm worker is not built (${bundled}); run npm run build`);
  }
  return buildWorkerFromSources(path.resolve(path.dirname(here), '..', '..', '..'));
}

function buildWorkerFromSources(root: string): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as { buildSync: typeof buildSync };
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [`workers/${WORKER}.ts`],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  // Named by content: parallel test processes agree on the file and never see a half-written one.
  const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = path.join(root, 'node_modules', '.cache', 'lightbox-farm');
  const file = path.join(dir, `blender-slot.worker.${hash}.mjs`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
  }
  return file;
}

export interface SlotRun {
  result: Promise<SlotResult>;
  /** Asks the worker to abort its job (the controller kills the process group separately). */
  abort(): void;
  /** Terminates the worker thread itself: for a thread that does not answer. */
  terminate(): void;
}

export class SlotPool {
  private readonly pools: Piscina<SlotTask, SlotResult>[];

  constructor(filename: string, concurrency: number) {
    // idleTimeout Infinity: a slot's thread holds its warm Blender; it must not be reaped while idle.
    this.pools = Array.from({ length: concurrency }, () => new Piscina<SlotTask, SlotResult>({ filename, minThreads: 1, maxThreads: 1, idleTimeout: Number.POSITIVE_INFINITY }));
  }

  /** Runs one task on slot `slot`'s thread; every message is handed to `onMessage` in order. */
  run(slot: number, task: Omit<Extract<SlotTask, { kind: 'job' }>, 'port'> | { kind: 'stop' }, onMessage: (message: SlotMessage) => void): SlotRun {
    const pool = this.pools[slot];
    if (!pool) throw new RangeError(`no slot ${slot}`);
    const { port1, port2 } = new MessageChannel();
    let sawDone = false;
    let drained!: () => void;
    const allMessages = new Promise<void>((r) => (drained = r));
    port1.on('message', (message: SlotMessage) => {
      if (message.t === 'done') {
        sawDone = true;
        drained();
      } else onMessage(message);
    });
    const terminator = new AbortController();
    const result = (async () => {
      try {
        const out = await pool.run({ ...task, port: port2 } as SlotTask, { transferList: [port2], signal: terminator.signal });
        // The result and the port are different channels: wait for the port's last message so
        // no log line or exit report arrives after the caller moved on.
        if (!sawDone) await Promise.race([allMessages, new Promise((r) => setTimeout(r, 500).unref())]);
        return out;
      } finally {
        port1.close();
      }
    })();
    return {
      result,
      abort: () => port1.postMessage({ t: 'abort' } satisfies SlotCommand),
      terminate: () => terminator.abort(),
    };
  }

  async destroy(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.destroy()));
  }
}
