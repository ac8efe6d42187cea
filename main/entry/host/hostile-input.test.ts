import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { methods, type MethodName } from '../../../shared/contract';
import { startHeadlessHost, type HeadlessHost } from './headless-host';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { resourcesDir } from '../../../workers/resources/paths';
import type { Backend } from '../app/backend';

/**
 * The hostile-input suite (issue 13 item 12): generated and hostile payloads to every contract
 * method, over HTTP and the WebSocket of a real host. No call may get a 5xx (code `internal` on
 * the socket), the host keeps answering, every refusal is {code, message, path}, and a refused
 * call changes no stored data (every SQLite table's row count and checksum, and settings.json).
 * Bounded: a fixed corpus per method, then generated payloads for a few seconds, with a fixed
 * seed (HOSTILE_SEED overrides it) printed on failure.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? 20_261_313);
const GENERATED_MS = Number(process.env.HOSTILE_MS ?? 2_500);

/** These start long work (renders, Blender, a CAD ingest): they only ever get invalid input. */
const LONG_WORK = new Set<MethodName>(['orders.dispatch', 'workflows.run', 'runs.rerun', 'preflight.run', 'cad.uploadFinish']);

const METHOD_NAMES = Object.keys(methods) as MethodName[];

let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
let host: HeadlessHost;
let origin: string;
let ws: WebSocket;
let nextId = 1;
const knownIds: string[] = [];

beforeAll(async () => {
  tmp = makeTempDir();
  const rendererDir = path.join(tmp.dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Lightbox</title>');
  backend = testBackend(path.join(tmp.dir, 'data'));
  host = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, port: 0, rendererDir });
  origin = `http://127.0.0.1:${host.port}`;
  ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
  // Stored data to protect: the example legacy presets and pipelines, migrated (workflows,
  // revisions, output types, legacy pipelines), and a settings file.
  const examples = path.join(resourcesDir(), 'legacy', 'examples');
  const documents = fs.readdirSync(examples).map((fileName) => ({ fileName, text: fs.readFileSync(path.join(examples, fileName), 'utf8') }));
  const migrated = await post('legacy.migrate', JSON.stringify({ documents }));
  expect(migrated.status, await migrated.clone().text()).toBe(200);
  expect((await post('settings.update', JSON.stringify({ farm: { mode: 'cold' }, blenderEnv: { OCIO: '/studio/ocio' } }))).status).toBe(200);
  // Real ids, so hostile calls also reach records that exist.
  const workflows = (await (await post('workflows.list', '{}')).json()) as { id?: string }[] | { workflows?: { id: string }[] };
  const list = Array.isArray(workflows) ? workflows : (workflows.workflows ?? []);
  for (const w of list.slice(0, 3)) if (typeof w.id === 'string') knownIds.push(w.id);
  const types = (await (await post('outputTypes.list', '{}')).json()) as { outputTypes?: { key?: string }[] };
  for (const t of (types.outputTypes ?? []).slice(0, 3)) if (typeof t.key === 'string') knownIds.push(t.key);
  expect(knownIds.length).toBeGreaterThanOrEqual(4);
});

afterAll(async () => {
  ws?.close();
  await host?.close();
  await backend?.close();
  tmp?.cleanup();
});

function post(method: string, body: string): Promise<Response> {
  return fetch(`${origin}/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body,
  });
}

/** One call over the socket with the input as raw JSON text (so `__proto__` keys arrive as sent). */
function callOver(method: string, inputJson: string): Promise<Record<string, unknown>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.id !== id) return;
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(message);
    };
    const onClose = (code: number) => reject(new Error(`socket closed with ${code} before answer ${id}`));
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(`{"type":"call","id":${id},"method":${JSON.stringify(method)},"input":${inputJson}}`);
  });
}

/** Every table's row count and a checksum of its rows, and the settings file. */
function dump(): string {
  const tables = backend.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = (backend.db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all() as unknown[]).map((row) => JSON.stringify(row)).sort();
    out[name] = `${rows.length}:${crypto.createHash('sha256').update(rows.join('\n')).digest('hex')}`;
  }
  out['settings.json'] = settingsText();
  return JSON.stringify(out, null, 1);
}

function isRefusal(body: unknown): body is { code: string; message: string; path: string } {
  const b = body as Record<string, unknown> | null;
  return !!b && typeof b === 'object' && typeof b.code === 'string' && b.code.length > 0 && typeof b.message === 'string' && typeof b.path === 'string';
}

/** Whether the contract accepts this input; long-work methods only get inputs it refuses. */
function contractAccepts(method: MethodName, inputJson: string): boolean {
  try {
    return methods[method].input.safeParse(JSON.parse(inputJson)).success;
  } catch {
    return false;
  }
}

let last = '';
let lastChanges = -1;
let lastSettings = '';
const totalChanges = () => (backend.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
const settingsFile = () => path.join(tmp.dir, 'data', 'settings.json');
const settingsText = () => (fs.existsSync(settingsFile()) ? fs.readFileSync(settingsFile(), 'utf8') : '(none)');
const problems: string[] = [];
let calls = 0;

/** Sends one input over both transports and checks every rule; returns the problems found. */
async function probe(method: MethodName, inputJson: string): Promise<void> {
  if (LONG_WORK.has(method) && contractAccepts(method, inputJson)) return;
  const what = `${method} ${inputJson.length > 200 ? `${inputJson.slice(0, 200)}… (${inputJson.length} chars)` : inputJson}`;
  for (const transport of ['http', 'ws'] as const) {
    calls += 1;

    let refused: boolean;
    if (transport === 'http') {
      const res = await post(method, inputJson);
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        // checked below
      }
      if (res.status >= 500) problems.push(`HTTP ${res.status} for ${what}: ${text.slice(0, 300)}`);
      refused = res.status >= 400;
      if (refused && !isRefusal(body)) problems.push(`HTTP ${res.status} without {code, message, path} for ${what}: ${text.slice(0, 300)}`);
      if (/root:x:0:0|LIGHTBOX_REPLY_NONCE/.test(text)) problems.push(`HTTP answer leaks a system file for ${what}`);
    } else {
      const reply = await callOver(method, inputJson);
      refused = reply.ok !== true;
      if (refused) {
        const error = reply.error as Record<string, unknown> | undefined;
        if (!isRefusal(error)) problems.push(`socket refusal without {code, message, path} for ${what}: ${JSON.stringify(reply).slice(0, 300)}`);
        else if (error.code === 'internal') problems.push(`socket internal error for ${what}: ${error.message}`);
      }
    }
    // Every write goes through the backend's one connection: when its change counter and the
    // settings file stand still, nothing was stored; otherwise the full dump decides.
    const changes = totalChanges();
    const settings = settingsText();
    if (changes === lastChanges && settings === lastSettings) continue;
    lastChanges = changes;
    lastSettings = settings;
    const now = dump();
    if (refused && now !== last) problems.push(`refused ${transport} call changed stored data: ${what}`);
    last = now;
  }
}

// ---- hostile values, as JSON text ------------------------------------------------------------

const DEEP_ARRAY = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
/** Within the 16 MiB limit: one such string per method, smaller ones per field. */
const HUGE_STRING = JSON.stringify('x'.repeat(2 * 1024 * 1024));
const LONG_STRING = JSON.stringify('\u00e9'.repeat(64 * 1024));

const HOSTILE_STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '../../../../etc/passwd', // outside-paths: allow (a hostile input, never opened here)
  '..',
  '../',
  './../x',
  '/etc/passwd',
  '/proc/self/environ',
  '/proc/self',
  '/dev/zero',
  '/',
  'C:\\Windows\\System32\\config',
  '\\\\server\\share\\x',
  'file:///etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '\u0000',
  'a\u0000b',
  '\u001b[31mred',
  'line\r\nbreak',
  '\u202egnp.exe',
  '\ufeff',
  '\ud800',
  '😀'.repeat(50),
  'a'.repeat(300),
];
const HOSTILE_LEAVES = [
  ...HOSTILE_STRINGS.map((s) => JSON.stringify(s)),
  '0',
  '-1',
  '1.5',
  '1e308',
  '-1e308',
  '9007199254740993',
  'true',
  'false',
  'null',
  '{}',
  '[]',
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
];

/** Top-level field names of a method's input, when it is an object. */
function fieldsOf(method: MethodName): string[] {
  const schema = methods[method].input as unknown as { shape?: Record<string, unknown> };
  return schema instanceof z.ZodObject || schema.shape ? Object.keys(schema.shape ?? {}) : [];
}

function objectJson(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

/** Methods that take long text: each gets a 2 MiB string (the others get one in turn). */
const TEXT_METHODS = new Set<MethodName>(['legacy.import', 'legacy.migrate', 'workflows.save', 'workflows.validate', 'cad.uploadChunk', 'settings.update', 'outputTypes.create']);

/** The fixed corpus for a method: whole-input shapes, then each field with hostile values. */
function corpus(method: MethodName): string[] {
  const fields = fieldsOf(method);
  const index = METHOD_NAMES.indexOf(method);
  const out = [
    'null',
    '[]',
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    ['"x"', '0', 'true', '{"__proto__":null,"constructor":null,"prototype":null}'][index % 4]!,
  ];
  if (TEXT_METHODS.has(method) || index % 6 === 0) out.push(objectJson([[fields[0] ?? 'extra', HUGE_STRING]]));
  if (fields.length === 0) out.push(DEEP_ARRAY, DEEP_OBJECT);
  fields.forEach((field, i) => {
    // The first field gets every structural attack; each field a rotating share of the leaves.
    if (i === 0) for (const value of [DEEP_ARRAY, DEEP_OBJECT, LONG_STRING, '{"__proto__":{"polluted":"yes"}}']) out.push(objectJson([[field, value]]));
    for (let k = 0; k < HOSTILE_LEAVES.length; k += 1) if ((k + i + index) % 12 === 0) out.push(objectJson([[field, HOSTILE_LEAVES[k]!]]));
    // A real id beside hostile values in the other fields.
    if (i === 0 && knownIds.length > 0) {
      const id = knownIds[index % knownIds.length]!;
      out.push(objectJson(fields.map((f, j) => [f, f === field ? JSON.stringify(id) : JSON.stringify(HOSTILE_STRINGS[(index + j) % HOSTILE_STRINGS.length])])));
    }
  });
  return out;
}

const jsonLeaf = fc.oneof(
  fc.constantFrom(...HOSTILE_LEAVES),
  fc.string({ maxLength: 30 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => JSON.stringify(s)),
  fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : JSON.stringify(String(n)))),
  fc.integer().map(String),
  fc.constantFrom(...knownIdsArb()),
);
function knownIdsArb(): string[] {
  return ['"legacy.cad_ingest_default"', '"1"', '"still"'];
}
const jsonKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'id', 'path', 'name', 'key'), fc.string({ maxLength: 12 }));
const { json: jsonValue } = fc.letrec<{ json: string }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    jsonLeaf,
    fc.array(tie('json'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(jsonKey, tie('json')), { maxLength: 4 }).map(objectJson),
  ),
}));

/** Generated inputs for a method: any JSON, or its own fields with generated values. */
function generated(method: MethodName): fc.Arbitrary<string> {
  const fields = fieldsOf(method);
  if (fields.length === 0) return jsonValue;
  return fc.oneof(
    jsonValue,
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...fields), jsonKey), jsonValue), { minLength: 1, maxLength: fields.length + 1 }).map(objectJson),
  );
}

describe('hostile input to every contract method, over HTTP and the WebSocket (issue 13 item 12)', () => {
  it(`no 5xx, no crash, refusals are {code, message, path}, refused calls change nothing (seed ${SEED})`, async () => {
    last = dump();
    lastChanges = totalChanges();
    lastSettings = settingsText();
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
    for (const method of METHOD_NAMES) for (const input of corpus(method)) await probe(method, input);
    const corpusCalls = calls;

    const deadline = Date.now() + GENERATED_MS;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHOD_NAMES).chain((method) => generated(method).map((input) => ({ method, input }))), async ({ method, input }) => {
        if (Date.now() > deadline) return;
        const before = problems.length;
        await probe(method, input);
        if (problems.length > before) throw new Error(problems.slice(before).join('\n'));
      }),
      { seed: SEED, numRuns: 100_000, interruptAfterTimeLimit: GENERATED_MS, markInterruptAsFailure: false, endOnFailure: true },
    ).catch((error: unknown) => problems.push(`generated (seed ${SEED}): ${(error as Error).message.slice(0, 2_000)}`));

    // The host still answers on both transports, and nothing polluted a prototype.
    expect((await post('app.info', '{}')).status).toBe(200);
    expect(await callOver('app.info', '{}')).toMatchObject({ ok: true });
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems, `seed ${SEED}; ${calls} calls (${corpusCalls} from the corpus)\n${problems.slice(0, 30).join('\n')}`).toEqual([]);
    expect(corpusCalls).toBeGreaterThan(METHOD_NAMES.length * 10);
  }, 120_000);

  it('hostile method names and socket envelopes are refused with {code, message, path}, and the host keeps serving', async () => {
    const before = dump();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', '..%2F..%2Fetc%2Fpasswd', '%00', 'app.info%00', 'app.info/..', 'APP.INFO', 'x'.repeat(300)]) {
      const res = await fetch(`${origin}/api/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${host.token}` }, body: '{}' });
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expect(isRefusal(await res.json()), name).toBe(true);
    }
    for (const body of ['\ufeff{}', '{"a":', 'NaN', 'Infinity', '{"a":NaN}', '\u0000', '[1,]', "{'a':1}"]) {
      const res = await post('settings.update', body);
      expect(res.status, body).toBeGreaterThanOrEqual(400);
      expect(res.status, body).toBeLessThan(500);
      expect(isRefusal(await res.json()), body).toBe(true);
    }
    const frames = [
      '{"type":"call","id":-1,"method":"app.info"}',
      '{"type":"call","id":1e400,"method":"app.info"}',
      '{"type":"call","id":1.5,"method":"app.info"}',
      '{"type":"call","id":"1","method":"app.info"}',
      '{"type":"call","id":7,"method":"__proto__","input":{}}',
      '{"type":"call","id":8,"method":"constructor","input":{}}',
      '{"type":"call","id":9,"method":"","input":{}}',
      '{"type":"call","id":10,"method":{"x":1}}',
      '{"type":"subscribe","id":11}',
      '{"__proto__":{"type":"call"},"id":12,"method":"app.info"}',
      '[{"type":"call","id":13,"method":"app.info"}]',
      'null',
      '"call"',
      `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
    ];
    const answers: Record<string, unknown>[] = [];
    const onMessage = (data: WebSocket.RawData) => answers.push(JSON.parse(data.toString()) as Record<string, unknown>);
    ws.on('message', onMessage);
    for (const frame of frames) ws.send(frame);
    // The socket still answers, after every frame above.
    expect(await callOver('app.info', '{}')).toMatchObject({ ok: true });
    ws.off('message', onMessage);
    const results = answers.filter((a) => a.type === 'result' && a.ok !== true);
    expect(results.length).toBeGreaterThanOrEqual(frames.length);
    for (const result of results) {
      expect(isRefusal(result.error), JSON.stringify(result)).toBe(true);
      expect((result.error as { code: string }).code).not.toBe('internal');
    }
    expect(dump()).toBe(before);
    expect((await post('app.info', '{}')).status).toBe(200);
  });
});
