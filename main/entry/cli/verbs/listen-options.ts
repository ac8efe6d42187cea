import fs from 'node:fs';
import { isLoopbackHost } from '../../host/headless-host';
import { UsageError } from '../verb';

/** Where a host listens, as `lightbox serve` and `lightbox hub` both take it. */
export interface ListenChoice {
  host: string;
  port: number;
  /** HTTPS and WSS with this certificate and key; plain HTTP when absent. */
  tls: { cert: Buffer; key: Buffer } | undefined;
  loopback: boolean;
}

export const listenOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'insecure-lan': { type: 'boolean' },
} as const;

/** Help lines for the options above; `what` names what the network would reach ("the app", "the hub"). */
export function listenHelp(what: string, secret: string): [string, string][] {
  return [
    ['--host ADDR', `address to bind (default 127.0.0.1; anything else exposes ${what} to the network and needs --tls-cert/--tls-key or --insecure-lan)`],
    ['--tls-cert FILE', 'PEM certificate: serve HTTPS and WSS'],
    ['--tls-key FILE', 'PEM private key of --tls-cert'],
    ['--insecure-lan', `allow plain HTTP beyond loopback (${secret} crosses the network in clear text)`],
    ['--port N', 'port to listen on (default 0: a free port)'],
  ];
}

/**
 * Reads --host, --port, --tls-cert/--tls-key and --insecure-lan. Binding beyond loopback needs
 * TLS, or --insecure-lan said out loud: tokens would otherwise cross the network in clear text.
 */
export function parseListenOptions(values: Record<string, string | boolean | undefined>, product = 'Lightbox'): ListenChoice {
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
    throw new UsageError(`--host ${host} exposes ${product} beyond this machine: give --tls-cert and --tls-key (HTTPS), or --insecure-lan to serve plain HTTP anyway`);
  }
  return { host, port, tls, loopback };
}
