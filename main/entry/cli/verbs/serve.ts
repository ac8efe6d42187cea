import fs from 'node:fs';
import { isLoopbackHost, startHeadlessHost } from '../../host/headless-host';
import { rendererDir } from '../../../../workers/resources/paths';
import { createNodeBackend } from '../node-backend';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type Verb } from '../verb';

export const serveVerb: Verb = {
  name: 'serve',
  summary: 'Run the headless host: the app over HTTP + WebSocket, for a browser.',
  usage: 'lightbox serve [--data-dir DIR] [--host ADDR [--tls-cert FILE --tls-key FILE | --insecure-lan]] [--port N] [--json]',
  optionHelp: [
    dataDirHelp,
    ['--host ADDR', 'address to bind (default 127.0.0.1; anything else exposes the app to the network and needs --tls-cert/--tls-key or --insecure-lan)'],
    ['--tls-cert FILE', 'PEM certificate: serve HTTPS and WSS'],
    ['--tls-key FILE', 'PEM private key of --tls-cert'],
    ['--insecure-lan', 'allow plain HTTP beyond loopback (the token crosses the network in clear text)'],
    ['--port N', 'port to listen on (default 0: a free port)'],
    ['--json', 'print one JSON line {url, port, token} instead of the text line'],
  ],
  options: {
    ...dataDirOption,
    host: { type: 'string' },
    port: { type: 'string' },
    json: { type: 'boolean' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'insecure-lan': { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got "${String(values.port)}"`);
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
    const certFile = values['tls-cert'] as string | undefined;
    const keyFile = values['tls-key'] as string | undefined;
    if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
    let tls: { cert: Buffer; key: Buffer } | undefined;
    if (certFile !== undefined && keyFile !== undefined) {
      try {
        tls = { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
      } catch (error) {
        throw new UsageError(`cannot read the TLS certificate or key: ${(error as Error).message}`);
      }
    }
    const loopback = isLoopbackHost(host);
    if (!loopback && !tls && !values['insecure-lan']) {
      throw new UsageError(`--host ${host} exposes Lightbox beyond this machine: give --tls-cert and --tls-key (HTTPS), or --insecure-lan to serve plain HTTP anyway`);
    }
    const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
    const renderer = rendererDir();
    let server;
    try {
      server = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, host, port, rendererDir: renderer, tls });
      backend.startBackground();
    } catch (error) {
      backend.close();
      throw error;
    }
    if (!loopback) {
      io.stderr(`warning: bound to ${host}: anyone who can reach this address and has the token can use Lightbox; Blender and ffmpeg paths can be changed only from this machine\n`);
      if (!tls) io.stderr(`warning: --insecure-lan: plain HTTP on ${host}: the token and every call cross the network unencrypted\n`);
    }
    if (!renderer) io.stderr('warning: the renderer is not built (npm run build); only the API is served\n');
    if (values.json) io.stdout(`${JSON.stringify({ url: server.url, port: server.port, token: server.token })}\n`);
    else io.stdout(`Lightbox is serving ${server.url}\n`);
    const signal = await io.stopSignal;
    io.stderr(`${signal}: stopping\n`);
    await server.close();
    backend.close();
    return EXIT_OK;
  },
};
