/**
 * Memory before login: unauthenticated connections that each declare a 200 MB CONNECT and
 * stream 16 MB of it. The broker refuses each from the fixed header (cloud/local/
 * mqtt-frame-guard.ts), so the process keeps its memory; without the guard aedes buffered every
 * byte (four such connections took a stack from 322 MB to 1.14 GB).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openRaw, remainingLength } from './raw-mqtt.ts';
import { startTestBroker, type TestBroker } from './support.ts';

const CONNECTIONS = 8;
const DECLARED_BYTES = 200 * 1024 * 1024;
const SENT_BYTES = 16 * 1024 * 1024;
/** Growth allowed for the whole flood: 128 MB would be sent; kept is a fraction of one. */
const RSS_GROWTH_BOUND_BYTES = 48 * 1024 * 1024;

let t: TestBroker;

beforeAll(async () => {
  t = await startTestBroker();
});

afterAll(async () => {
  await t?.close();
});

/** Sends the header and then up to SENT_BYTES of body, stopping when the broker hangs up. */
async function oversizedConnect(): Promise<void> {
  const raw = await openRaw(t.broker.port as number);
  const chunk = Buffer.alloc(1024 * 1024, 0x41); // one buffer, written again and again
  raw.socket.write(Buffer.concat([Buffer.from([0x10]), remainingLength(DECLARED_BYTES)]));
  for (let sent = 0; sent < SENT_BYTES && !raw.socket.destroyed; sent += chunk.length) {
    await new Promise<void>((resolve) => raw.socket.write(chunk, () => resolve()));
  }
  raw.socket.destroy();
}

it(`${CONNECTIONS} oversized CONNECTs cost the broker less than ${RSS_GROWTH_BOUND_BYTES >> 20} MB`, async () => {
  global.gc?.();
  const before = process.memoryUsage().rss;
  await Promise.all(Array.from({ length: CONNECTIONS }, () => oversizedConnect()));
  const after = process.memoryUsage().rss;
  expect(after - before).toBeLessThan(RSS_GROWTH_BOUND_BYTES);
  const refused = t.log.lines.filter((l) => l.message === 'mqtt connection refused');
  expect(refused).toHaveLength(CONNECTIONS);
});
