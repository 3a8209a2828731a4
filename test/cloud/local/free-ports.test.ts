/**
 * Ports picked for a process that binds them a moment later: distinct, free, and never ones the
 * kernel may hand to an outgoing connection meanwhile.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { freePorts } from '../../../cloud/local/tools/free-ports.ts';

it('gives distinct free ports below the ephemeral range', async () => {
  const ports = await freePorts(5);
  expect(new Set(ports).size).toBe(5);
  const [ephemeralStart] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .split(/\s+/)
    .map(Number);
  for (const port of ports) expect(port).toBeLessThan(ephemeralStart as number);
  for (const port of ports) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  }
});
