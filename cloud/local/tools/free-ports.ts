import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

const LOWEST = 10_000;

/**
 * Ports that were free a moment ago, for a process that must come back on the same ones (a
 * restarted stack, a broker started by a test). They are picked below the kernel's ephemeral
 * range: a port freed here and bound again a moment later by another process could otherwise be
 * taken meanwhile as the source port of any outgoing connection on the machine.
 */
export async function freePorts(count: number): Promise<number[]> {
  const highest = ephemeralStart() - 1;
  const held: Server[] = [];
  for (let tries = 0; held.length < count; tries++) {
    if (tries > 200 * count) throw new Error(`no ${count} free ports in ${LOWEST}–${highest}`);
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    const server = await listening(port);
    if (server) held.push(server);
  }
  const ports = held.map((s) => (s.address() as { port: number }).port);
  await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function listening(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** The first port the kernel hands out to outgoing connections (Linux; 32768 elsewhere). */
function ephemeralStart(): number {
  try {
    const [first] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/);
    const start = Number(first);
    return Number.isInteger(start) && start > LOWEST + 1000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}
