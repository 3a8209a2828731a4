/** The start-up banner: where everything listens and what to try next. Pure, so tests read it. */
import { join, relative } from 'node:path';
import { deviceCertificatePaths } from '../dev/dev-ca.ts';
import type { RunningStack } from './stack.ts';

export function bannerFor(stack: RunningStack, cwd: string): string {
  const { runtime, config } = stack;
  const show = (path: string) => {
    const rel = relative(cwd, path);
    return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
  };
  const dataDir = show(config.dataDir);
  const host = runtime.host;
  const flags = config.dataDir === join(cwd, '.restock') ? '' : ` --data-dir ${dataDir}`;
  const demo = stack.demo.length > 0 ? stack.demo : ['(demo data disabled)'];
  const device = 'demo-1';
  const cert = deviceCertificatePaths(config.dataDir, device);
  const lines = [
    '',
    `Restock is running — data folder ${dataDir}`,
    '',
    `  MQTT          mqtt://${host}:${runtime.mqttPort}   client id and username = thing name, password derived from the device key`,
    `  MQTT (mTLS)   mqtts://${host}:${runtime.mqttTlsPort}  CA ${show(stack.ca.caCertPath)}, client certificates (CN = thing name) in ${show(join(stack.ca.dir, 'devices'))}`,
    runtime.httpPort === null
      ? '  HTTP API      not started'
      : `  HTTP API      http://${host}:${runtime.httpPort}   (OpenAPI: /openapi.json; tokens: npm run token)`,
    ...(runtime.httpPort === null
      ? []
      : [
          `  Web console   http://${host}:${runtime.httpPort}/  (development sign-in: pick household, support or brand)`,
        ]),
    `  Store         ${stack.store}`,
    `  Notifications console and ${show(join(config.dataDir, 'outbox.jsonl'))}`,
    '',
    'Demo data:',
    ...demo.map((line) => `  ${line}`),
    '',
    'Try next (in another terminal):',
    `  npm run press -- ${device}${flags}                  # orders coffee: ORDERED`,
    `  npm run press -- ${device}${flags}                  # again while it is open: IN_PROGRESS`,
    `  npm run press -- ${device} --click long${flags}     # cancels it: CANCELLED`,
    `  npm run press -- ${device} --tls${flags}            # the same over mutual TLS`,
    `  npm run press -- demo-3${flags}                  # an unclaimed button: UNBOUND`,
    ...(runtime.httpPort === null
      ? []
      : [
          `  TOKEN=$(npm run -s token -- household --household hh-demo${flags})`,
          `  curl -H "Authorization: Bearer $TOKEN" http://${host}:${runtime.httpPort}/v1/household/orders`,
          `  curl -H "Authorization: Bearer $TOKEN" http://${host}:${runtime.httpPort}/v1/household/notifications`,
          `  curl -H "Authorization: Bearer $(npm run -s token -- brand --brand acme${flags})" http://${host}:${runtime.httpPort}/v1/brand/buttons`,
        ]),
    `  mosquitto_sub -h ${host} -p ${runtime.mqttTlsPort} --cafile ${show(stack.ca.caCertPath)} --cert ${show(cert.certPath)} --key ${show(cert.keyPath)} -i ${device} -t restock/v1/${device}/ack -q 1 -v`,
    '    (the certificate is issued by the first npm run press -- demo-1 --tls)',
    '',
    'Ctrl-C stops everything cleanly.',
    '',
  ];
  return lines.join('\n');
}
