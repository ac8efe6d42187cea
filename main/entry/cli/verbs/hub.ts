import { startAccessHost } from '../../host/headless-host';
import { createHubAccess } from '../../host/hub-access';
import { createAuditLog } from '../../../platform/people/audit-log';
import { createPeopleStore } from '../../../platform/people/people-store';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { rendererDir } from '../../../../workers/resources/paths';
import { createNodeBackend } from '../node-backend';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, type Verb } from '../verb';
import { listenHelp, listenOptions, parseListenOptions } from './listen-options';

/** The first admin's name, made on the first start of a hub with nobody in it. */
export const FIRST_ADMIN = 'admin';

export const hubVerb: Verb = {
  name: 'hub',
  summary: "Run the studio's hub: the shared store over HTTP + WebSocket, each call made with a person's token and checked against their role.",
  usage: 'lightbox hub [--data-dir DIR] [--host ADDR [--tls-cert FILE --tls-key FILE | --insecure-lan]] [--port N] [--json]',
  optionHelp: [
    dataDirHelp,
    ...listenHelp('the hub', "every person's token"),
    ['--json', 'print one JSON line {url, port, adminToken}; adminToken only on the first start'],
  ],
  options: { ...dataDirOption, ...listenOptions, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const { host, port, tls, loopback } = parseListenOptions(values, 'the hub');
    const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
    const people = createPeopleStore(backend.db);
    const audit = createAuditLog(backend.db);
    const renderer = rendererDir();
    let adminToken: string | undefined;
    let server;
    try {
      // A hub with nobody in it could never be administered: its first start makes an admin.
      adminToken = backend.db.transaction(() => {
        if (people.list().length > 0) return undefined;
        const { token } = people.add(FIRST_ADMIN, 'admin');
        audit.record({ who: 'hub', method: 'people.add', target: FIRST_ADMIN, outcome: 'allowed', detail: 'role admin, made on the first start' });
        return token;
      }).immediate();
      server = await startAccessHost({ access: createHubAccess({ dispatch: backend.dispatch, people, audit, agentTokens: createAgentTokenStore(backend.db) }), events: backend.events, host, port, rendererDir: renderer, tls });
      backend.startBackground();
    } catch (error) {
      await backend.close();
      throw error;
    }
    if (!loopback) {
      io.stderr(`warning: bound to ${host}: anyone who can reach this address and holds a person's token can use the hub as that person\n`);
      if (!tls) io.stderr(`warning: --insecure-lan: plain HTTP on ${host}: tokens and every call cross the network unencrypted\n`);
    }
    // The admin token is printed on this one line only, never to stderr or a log.
    if (values.json) io.stdout(`${JSON.stringify({ url: server.url, port: server.port, ...(adminToken ? { adminToken } : {}) })}\n`);
    else {
      io.stdout(`Lightbox hub at ${server.url}\n`);
      if (adminToken) io.stdout(`First start: person "${FIRST_ADMIN}" (admin) added. Token, shown only this once:\n${adminToken}\n`);
    }
    const signal = await io.stopSignal;
    io.stderr(`${signal}: stopping\n`);
    await server.close();
    await backend.close();
    return EXIT_OK;
  },
};
