/**
 * A TCP proxy between an MQTT client and a broker that changes how bytes are cut into reads:
 * `split` delivers every read in 1-3 byte pieces on separate ticks; `coalesce` holds bytes
 * briefly and delivers them as one read, so several frames arrive together. It also records
 * the client's frames (with its own minimal parser) and can drop chosen ones.
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';

export type Chunking = 'direct' | 'split' | 'coalesce';

export interface SeenFrame {
  type: number;
  flags: number;
  body: Buffer;
}

export interface ChunkProxy {
  port: number;
  /** Frames the client sent, in order, including dropped ones. */
  clientFrames: SeenFrame[];
  /** Return true to drop a client frame before it reaches the broker. */
  dropClientFrame: ((frame: SeenFrame, index: number) => boolean) | null;
  stop(): Promise<void>;
}

function rechunk(chunking: Chunking, write: (b: Buffer) => void): (b: Buffer) => void {
  if (chunking === 'direct') return write;
  if (chunking === 'coalesce') {
    let held: Buffer[] = [];
    return (b) => {
      if (held.length === 0) {
        setTimeout(() => {
          const all = Buffer.concat(held);
          held = [];
          write(all);
        }, 15);
      }
      held.push(b);
    };
  }
  let queue = Promise.resolve();
  return (b) => {
    queue = queue.then(async () => {
      for (let i = 0; i < b.length; ) {
        const n = 1 + (i % 3);
        write(b.subarray(i, i + n));
        i += n;
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  };
}

/** Splits the client's byte stream into whole frames. */
function frameSplitter(onFrame: (raw: Buffer, frame: SeenFrame) => void): (b: Buffer) => void {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      let length = 0;
      let multiplier = 1;
      let i = 1;
      let complete = false;
      for (; i < 5 && i < buffer.length; i++) {
        const byte = buffer[i] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || buffer.length < i + 1 + length) return;
      const raw = buffer.subarray(0, i + 1 + length);
      const first = buffer[0] as number;
      onFrame(raw, { type: first >> 4, flags: first & 15, body: Buffer.from(raw.subarray(i + 1)) });
      buffer = buffer.subarray(i + 1 + length);
    }
  };
}

export async function startProxy(brokerPort: number, chunking: Chunking): Promise<ChunkProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: ChunkProxy = {
    port: 0,
    clientFrames: [],
    dropClientFrame: null,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(brokerPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const toClient = rechunk(chunking, (b) => client.writable && client.write(b));
    upstream.on('data', toClient);
    client.on(
      'data',
      frameSplitter((raw, frame) => {
        const index = proxy.clientFrames.push(frame) - 1;
        if (proxy.dropClientFrame?.(frame, index)) return;
        if (upstream.writable) upstream.write(raw);
      }),
    );
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  return proxy;
}
