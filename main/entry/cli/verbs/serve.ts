import { startHeadlessHost } from '../../host/headless-host';
import { rendererDir } from '../../../../workers/resources/paths';
import { createNodeBackend } from '../node-backend';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, type Verb } from '../verb';
import { listenHelp, listenOptions, parseListenOptions } from './listen-options';
import { createAgentRoutes } from '../../../execution/farm/agents/agent-routes';
import { createBlobStore } from '../../../execution/farm/remote/blob-store';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import path from 'node:path';

export const serveVerb: Verb = {
  name: 'serve',
  summary: 'Run the headless host: the app over HTTP + WebSocket, for a browser.',
  usage: 'lightbox serve [--data-dir DIR] [--host ADDR [--tls-cert FILE --tls-key FILE | --insecure-lan]] [--port N] [--json]',
  optionHelp: [
    dataDirHelp,
    ...listenHelp('the app', 'the token'),
    ['--json', 'print one JSON line {url, port, token} instead of the text line'],
  ],
  options: {
    ...dataDirOption,
    ...listenOptions,
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const { host, port, tls, loopback } = parseListenOptions(values);
    const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
    const renderer = rendererDir();
    let server;
    try {
      // Render agents (lightbox agent) connect here too, with their own tokens, under /farm/agent/v1/.
      const agentRoutes = createAgentRoutes({ controller: backend.agents, tokens: createAgentTokenStore(backend.db), blobs: createBlobStore(path.join(backend.dataDir, 'farm', 'blobs')) });
      backend.serveAgents();
      server = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, host, port, rendererDir: renderer, tls, routes: [agentRoutes] });
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
