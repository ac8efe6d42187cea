/**
 * npm run bench:sync — workflow sync between a real `lightbox hub` process and workstations
 * (issue 17 item 9): 200 workflows of 50 nodes each.
 *
 * The hub is the built CLI in its own process on a temporary data directory; an artist's token
 * comes from `lightbox users add`. Workstation A is seeded through its workflow store (every save
 * validated), then timed with the workstation's sync client in this process over HTTP:
 *   (a) A's first sync (everything pushed)      target < 3 s
 *   (b) B's first sync (everything pulled)      target < 3 s
 *   (c) A's sync after one node's setting changed on one workflow   target < 100 ms
 *   (d) B's sync pulling that change            target < 100 ms
 *   (e) a sync with nothing to do
 * Then the same kinds of sync as `lightbox sync` processes, wall time including Node's start, on
 * a third workstation C and on B. Exits 0 whether or not the targets are met; it says which.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SyncRunResult } from '../../shared/sync/api';
import type { WorkflowDocument, WorkflowNode } from '../../shared/workflow/document';
import type { Backend } from '../../main/entry/app/backend';
import { createNodeBackend } from '../../main/entry/cli/node-backend';
import { migratePipeline } from '../../main/catalog/legacy/migrate-pipeline';
import { shippedPipelines } from '../../main/catalog/legacy/shipped';
import { httpHub } from '../../main/production/sync/http-hub';
import { CLI, startHubProcess, type HubProcess } from '../../main/testing/hub-process';

const WORKFLOWS = 200;
const NODES = 50;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/**
 * The shipped still workflow grown to 50 nodes: 43 more material passes chained between its
 * material and render steps, each with its own setting, so every workflow differs.
 */
function benchWorkflow(i: number): WorkflowDocument {
  const base = migratePipeline(shippedPipelines().get('still_default')?.document as never);
  const doc: WorkflowDocument = { ...base, id: `bench.sync_${String(i).padStart(3, '0')}`, name: `Sync bench ${i}`, executionMode: 'graph', revision: 0 };
  const extra: WorkflowNode[] = [];
  let previous = 'step3_apply_materials';
  const edges = doc.edges.filter((e) => !(e.source === previous && e.target === 'step4_render_still'));
  for (let k = 0; doc.nodes.length + extra.length < NODES; k++) {
    const id = `pass_${k}`;
    extra.push({ id, type: 'apply_materials', typeVersion: 1, settings: { default: (i + k) % 2 ? 'chrome' : 'neutral_grey' }, position: { x: 200 * k, y: 300 } });
    edges.push({ id: `${previous}.scene-${id}.scene`, source: previous, sourcePort: 'scene', target: id, targetPort: 'scene' });
    previous = id;
  }
  edges.push({ id: `${previous}.scene-step4_render_still.scene`, source: previous, sourcePort: 'scene', target: 'step4_render_still', targetPort: 'scene' });
  return { ...doc, nodes: [...doc.nodes, ...extra], edges };
}

/** `lightbox ARGS` as its own process under /usr/bin/time: wall ms, peak RSS (KiB), stdout. */
function lightbox(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; maxRssKiB: number; out: string; err: string; code: number }> {
  const timeFile = path.join(os.tmpdir(), `lightbox-bench-sync-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const useTime = fs.existsSync('/usr/bin/time');
  const [cmd, argv] = useTime ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  return new Promise((resolve) => {
    const t0 = performance.now();
    execFile(cmd as string, argv as string[], { env, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      const ms = performance.now() - t0;
      let maxRssKiB = 0;
      if (useTime) {
        maxRssKiB = Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) || 0;
        fs.rmSync(timeFile, { force: true });
      }
      resolve({ ms, maxRssKiB, out, err, code: error ? Number((error as { code?: number }).code ?? 1) : 0 });
    });
  });
}

/** The hub's peak resident set so far, from /proc (Linux). */
function peakRssKiB(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  for (const built of ['dist/main/cli.mjs']) if (!fs.existsSync(built)) throw new Error(`${built} missing: build first (npm run bench:sync builds)`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-bench-sync-'));
  const env = { ...process.env, LIGHTBOX_CONFIG_DIR: path.join(work, 'config') };
  const dirs = { hub: path.join(work, 'hub'), a: path.join(work, 'a'), b: path.join(work, 'b'), c: path.join(work, 'c') };
  console.log(`Lightbox sync benchmark — ${WORKFLOWS} workflows × ${NODES} nodes, ${os.availableParallelism()} cores, Node ${process.version}`);
  let hub: HubProcess | undefined;
  const backends: Backend[] = [];
  try {
    hub = await startHubProcess(dirs.hub, env.LIGHTBOX_CONFIG_DIR);
    const added = await lightbox(['users', 'add', 'bench', '--role', 'artist', '--data-dir', dirs.hub, '--json'], env);
    if (added.code !== 0) throw new Error(`users add failed: ${added.err}`);
    const token = (JSON.parse(added.out) as { token: string }).token;
    const connection = httpHub(hub.url, token);

    // Seed A through its workflow store: each save validated and hashed as the editor's would be.
    const a = createNodeBackend(dirs.a, env);
    backends.push(a);
    const t0 = performance.now();
    for (let i = 0; i < WORKFLOWS; i++) a.workflows.save(benchWorkflow(i), 'bench seed');
    const seedMs = performance.now() - t0;
    const nodeCount = a.workflows.get('bench.sync_000').nodes.length;
    console.log(`seeded A with ${Object.keys(a.workflows.heads()).filter((id) => id.startsWith('bench.')).length} workflows of ${nodeCount} nodes through the workflow store in ${fmt(seedMs)}`);

    const timed = async (backend: Backend): Promise<{ ms: number; result: SyncRunResult }> => {
      const s = performance.now();
      const result = await backend.sync.run(connection, hub!.url.replace(/\/$/, ''));
      const ms = performance.now() - s;
      if (result.refused.length > 0) throw new Error(`sync refused ${result.refused.length}: ${JSON.stringify(result.refused[0])}`);
      return { ms, result };
    };
    const counts = (r: SyncRunResult) => `pushed ${r.pushed}, pulled ${r.pulled}, conflicts ${r.conflicts}`;

    // The one change: a setting of one node in one workflow, saved as the editor saves it.
    const changeOneNode = (backend: Backend, value: string) => {
      const doc = structuredClone(backend.workflows.get('bench.sync_100'));
      const n = doc.nodes.find((x) => x.id === 'pass_20') as WorkflowNode;
      n.settings = { ...n.settings, default: value };
      backend.workflows.save(doc, 'bench: one setting');
    };

    const rows: { label: string; ms: number; counts: string; target?: number }[] = [];
    const first = await timed(a);
    rows.push({ label: '(a) first sync of A, everything pushed (in process)', ms: first.ms, counts: counts(first.result), target: 3000 });
    const b = createNodeBackend(dirs.b, env);
    backends.push(b);
    const pulledAll = await timed(b);
    rows.push({ label: '(b) first sync of B, everything pulled (in process)', ms: pulledAll.ms, counts: counts(pulledAll.result), target: 3000 });
    changeOneNode(a, 'brushed_steel');
    const incPush = await timed(a);
    rows.push({ label: '(c) A after one node changed, pushed (in process)', ms: incPush.ms, counts: counts(incPush.result), target: 100 });
    const incPull = await timed(b);
    rows.push({ label: '(d) B pulls that change (in process)', ms: incPull.ms, counts: counts(incPull.result), target: 100 });
    const noop = await timed(b);
    rows.push({ label: '(e) B again, nothing to do (in process)', ms: noop.ms, counts: counts(noop.result), target: 100 });
    const workstationRss = process.resourceUsage().maxRSS;

    // The same as a person runs it: `lightbox sync` processes, Node's start and the backend's opening included.
    const cliSync = async (dataDir: string, label: string, target?: number) => {
      const r = await lightbox(['sync', '--hub', hub!.url, '--token', token, '--data-dir', dataDir, '--json'], env);
      if (r.code !== 0) throw new Error(`lightbox sync failed (${r.code}): ${r.err}`);
      const result = JSON.parse(r.out) as SyncRunResult;
      rows.push({ label, ms: r.ms, counts: `${counts(result)}; peak RSS ${mib(r.maxRssKiB)}`, target });
      return r;
    };
    await cliSync(dirs.c, '(b) `lightbox sync` on C, everything pulled (CLI wall)', 3000);
    changeOneNode(a, 'black_oxide');
    await timed(a);
    await cliSync(dirs.b, '(d) `lightbox sync` on B pulls one change (CLI wall)', 100);
    await cliSync(dirs.b, '(e) `lightbox sync` on B, nothing to do (CLI wall)', 100);
    changeOneNode(b, 'anodized_blue');
    await cliSync(dirs.b, '(c) `lightbox sync` on B pushes one change (CLI wall)', 100);
    const start = await lightbox(['--version'], env);
    const hubRss = peakRssKiB(hub.child.pid as number);

    // Every side holds the same head of the changed workflow.
    await timed(a);
    const c = createNodeBackend(dirs.c, env);
    backends.push(c);
    await timed(c);
    const heads = [a, b, c].map((be) => be.workflows.heads()['bench.sync_100']);
    if (new Set(heads).size !== 1) throw new Error(`workstations disagree on bench.sync_100: ${heads.join(', ')}`);

    console.log('');
    console.log('| case | time | target | revisions |');
    console.log('|---|---|---|---|');
    for (const r of rows) {
      const verdict = r.target === undefined ? '' : `< ${fmt(r.target)}: ${r.ms < r.target ? 'met' : 'not met'} (${(r.ms / r.target).toFixed(2)}× of target)`;
      console.log(`| ${r.label} | ${fmt(r.ms)} | ${verdict} | ${r.counts} |`);
    }
    console.log(`| Node start + CLI load (\`lightbox --version\`, for the CLI rows) | ${fmt(start.ms)} | | |`);
    console.log(`| hub process peak RSS | ${mib(hubRss)} | | |`);
    console.log(`| workstation peak RSS (this process: A and B in process) | ${mib(workstationRss)} | | |`);
  } catch (error) {
    // What the hub said is most of the story when a call to it fails.
    if (hub?.stderr()) console.error(`hub stderr:\n${hub.stderr()}`);
    if (hub && hub.child.exitCode !== null) console.error(`hub exited with ${hub.child.exitCode}`);
    throw error;
  } finally {
    for (const be of backends) await be.close();
    if (hub) {
      await hub.stop();
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
