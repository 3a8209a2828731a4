/**
 * A broker that is down, then back: a TCP forwarder on a fixed port that can stop listening
 * (connections are refused, as to a broker that is down) and listen again.
 */
import net from 'node:net';

export interface PortGate {
  port: number;
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function portGate(targetPort: number): Promise<PortGate> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const broker = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, broker]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(broker).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const close = async () => {
    if (!server.listening) return;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const s of sockets) s.destroy();
    await closed;
  };
  await close();
  return { port, open: () => listen(port), close };
}
