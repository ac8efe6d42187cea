import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetNamespace, netnsSkipReason, type NetNamespace } from './netns';

const skip = netnsSkipReason();
if (skip) console.warn(`netns tests skipped: ${skip}`);

/** Fetches `url` from inside the namespace with a Node of its own; prints the body or the error's code. */
async function fetchInside(ns: NetNamespace, url: string) {
  const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(1500) })
    .then((r) => r.text()).then((t) => console.log('ok ' + t))
    .catch((e) => console.log('failed ' + (e.cause?.code ?? e.name)));`;
  const result = await ns.run(process.execPath, ['-e', script], { timeoutMs: 10_000 });
  return result.stdout.trim();
}

describe.skipIf(skip !== null)('a test network namespace', () => {
  let ns: NetNamespace;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    ns = createNetNamespace();
    server = http.createServer((_req, res) => res.end('hello from the host'));
    await new Promise<void>((resolve) => server.listen(0, ns.hostAddress, resolve));
    url = `http://${ns.hostAddress}:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server?.close();
    await ns?.remove();
  });

  it('runs a process inside that reaches a server bound on the host end only', async () => {
    expect(await fetchInside(ns, url)).toBe('ok hello from the host');
    // Inside is another machine: the host's loopback is not there.
    const loopback = await ns.run('/usr/sbin/ip', ['-br', 'addr']);
    expect(loopback.stdout).toContain(ns.address);
    expect(loopback.stdout).not.toContain(ns.hostAddress);
  });

  it('cuts the link (requests fail) and restores it (they work again)', async () => {
    ns.cutLink();
    expect(await fetchInside(ns, url)).toMatch(/^failed /);
    ns.restoreLink();
    expect(await fetchInside(ns, url)).toBe('ok hello from the host');
  });

  it('removes the namespace, its veth pair and what runs inside', async () => {
    const other = createNetNamespace();
    expect(other.name).not.toBe(ns.name);
    const sleeper = other.spawn('sleep', ['600']);
    const gone = new Promise((resolve) => sleeper.once('exit', resolve));
    await other.remove();
    await gone;
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(other.name);
    expect(() => execFileSync('ip', ['link', 'show', other.hostInterface], { stdio: 'ignore' })).toThrow();
  });
});
