/**
 * The console log cannot be forged: a client id, topic or error text from the network stays on
 * its own line and in its own field, and a 64 KB value is cut short — checked here on the lines
 * the broker writes for a refused CONNECT, the first thing anyone can send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import {
  createConsoleLog,
  logSafe,
  MAX_LOG_VALUE_CHARS,
} from '../../../cloud/local/console-log.ts';
import {
  createBrokerPolicy,
  type RunningBroker,
  startBroker,
} from '../../../cloud/local/iot/broker.ts';
import { StaticDeviceDirectory } from '../../../cloud/local/iot/device-directory.ts';
import { connackCode, connectPacket, openRaw } from './raw-mqtt.ts';
import { eventually } from './support.ts';

const LINE = /^\d\d:\d\d:\d\d\.\d{3} (info |warn |error) \S/;
const FORGED = '\n15:54:00.000 info  press device=demo-1 seq=7 outcome=ORDERED';

describe('log values', () => {
  it('escape line breaks and controls, and quote what could pose as another field', () => {
    expect(logSafe('demo-1')).toBe('demo-1');
    expect(logSafe(`x${FORGED}`)).toBe(JSON.stringify(`x${FORGED}`));
    expect(logSafe('a outcome=ORDERED')).toBe('"a outcome=ORDERED"');
    expect(logSafe('\u2028\u0085\u001b[31m')).toBe('"\\u2028\\u0085\\u001b[31m"');
    expect(logSafe('socket hang up\n')).toBe('"socket hang up"');
  });

  it(`cut values to ${MAX_LOG_VALUE_CHARS} characters and say how long they were`, () => {
    expect(logSafe('x'.repeat(65_536))).toBe(`"${'x'.repeat(MAX_LOG_VALUE_CHARS)}…(65536 chars)"`);
  });
});

describe('a refused CONNECT with a hostile client id', () => {
  const lines: string[] = [];
  let broker: RunningBroker;

  beforeAll(async () => {
    const log = createConsoleLog((line) => lines.push(line));
    broker = await startBroker({
      host: '127.0.0.1',
      port: 0,
      tlsPort: null,
      log,
      policy: createBrokerPolicy({
        directory: new StaticDeviceDirectory([]),
        keySource: { deviceKey: async () => null },
        sha256: nodeSha256,
        log,
      }),
    });
  });

  afterAll(async () => {
    await broker?.close();
  });

  async function refusedAs(clientId: string): Promise<number | null> {
    const raw = await openRaw(broker.port as number);
    raw.socket.write(connectPacket({ clientId, username: 'x', password: 'x' }));
    await eventually(() => raw.socket.bytesRead >= 4 || raw.socket.destroyed);
    raw.socket.destroy();
    return connackCode((await raw.answer(0)).bytes);
  }

  it('writes one line, in which the forged line is an escaped value', async () => {
    expect(await refusedAs(`demo-1${FORGED}`)).not.toBe(0);
    const refused = await eventually(() => lines.filter((l) => l.includes('connect refused')));
    expect(refused).toHaveLength(1);
    for (const line of lines) {
      expect(line).toMatch(LINE);
      expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
    }
    expect(refused[0]).toContain('clientId="demo-1\\n15:54:00.000 info  press');
  });

  it('writes a long client id cut short', async () => {
    const before = lines.length;
    expect(await refusedAs('A'.repeat(1_500))).toBe(2);
    const line = await eventually(() => lines[before]);
    expect(line.length).toBeLessThan(MAX_LOG_VALUE_CHARS * 2);
    expect(line).toContain('…(1500 chars)');
  });

  it('does not even read a 64 KB client id: the CONNECT is refused from its header', async () => {
    const before = lines.length;
    expect(await refusedAs('A'.repeat(65_000))).toBeNull();
    const line = await eventually(() => lines[before]);
    expect(line).toMatch(/mqtt connection refused .*reason="CONNECT of 65\d+ bytes exceeds 2048"/);
    expect(line).not.toContain('AAAA');
  });
});
