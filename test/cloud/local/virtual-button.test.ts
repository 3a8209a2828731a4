/**
 * The virtual button follows the firmware's rules: counter saved before the first publish, the
 * same sequence number on every retry with `attempt` incremented, an undelivered press re-sent
 * (never renumbered) on the next run, and only a correctly signed ack believed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Ack,
  ackTopic,
  decodePress,
  deriveDeviceKey,
  encodeAck,
  type Press,
  pressIngestTopic,
  signAck,
} from '#shared/index';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import {
  type ButtonStateStore,
  type ButtonTransport,
  FileButtonStateStore,
  MemoryButtonStateStore,
  VirtualButton,
} from '../../../cloud/local/tools/virtual-button.ts';

const KEY = deriveDeviceKey(nodeSha256, new Uint8Array(32).fill(9), 'btn-1', 1);
const OTHER_KEY = deriveDeviceKey(nodeSha256, new Uint8Array(32).fill(8), 'btn-1', 1);

/** A broker stand-in: records what was subscribed and published, and lets a test answer. */
class FakeTransport implements ButtonTransport {
  readonly log: string[] = [];
  readonly presses: Press[] = [];
  private handler: ((topic: string, payload: string) => void) | null = null;
  /** Called on each publish with the press; returns the acks to deliver (or none). */
  answer: (press: Press) => string[] = () => [];
  /** Snapshot taken at each publish of whatever the test wants to observe. */
  onPublish: (() => void) | null = null;

  async subscribe(topic: string) {
    this.log.push(`subscribe ${topic}`);
  }
  async publish(topic: string, payload: string) {
    this.onPublish?.();
    this.log.push(`publish ${topic}`);
    const decoded = decodePress(payload);
    if (!decoded.ok) throw new Error('bad press');
    this.presses.push(decoded.message);
    for (const ack of this.answer(decoded.message)) {
      setTimeout(() => this.handler?.(ackTopic('btn-1'), ack), 1);
    }
  }
  onMessage(handler: (topic: string, payload: string) => void) {
    this.handler = handler;
  }
  async close() {}
}

function ackFor(press: Press, fields: Partial<Ack> = {}, key = KEY): string {
  return encodeAck(
    signAck(nodeSha256, key, {
      device: press.device,
      seq: press.seq,
      outcome: 'ORDERED',
      order: `${press.device}-${press.seq}`,
      kv: 1,
      ...fields,
    }),
  );
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restock-vb-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function makeButton(
  transport: FakeTransport,
  state: ButtonStateStore = FileButtonStateStore.inDataDir(dir),
) {
  return new VirtualButton({
    deviceId: 'btn-1',
    deviceKey: KEY,
    keyVersion: 1,
    sha256: nodeSha256,
    transport,
    state,
    ackTimeoutMs: 50,
    maxAttempts: 3,
  });
}

describe('virtual button', () => {
  it('subscribes to its ack topic before it publishes, and prints the verified outcome', async () => {
    const transport = new FakeTransport();
    transport.answer = (press) => [ackFor(press)];
    const report = await makeButton(transport).press('SINGLE');
    expect(transport.log).toEqual([
      'subscribe restock/v1/btn-1/ack',
      `publish ${pressIngestTopic('btn-1')}`,
    ]);
    expect(report).toMatchObject({ seq: 1, outcome: 'ORDERED', orderId: 'btn-1-1', attempt: 1 });
  });

  it('saves the incremented counter before the first publish', async () => {
    const transport = new FakeTransport();
    const store = FileButtonStateStore.inDataDir(dir);
    const seen: string[] = [];
    transport.onPublish = () => {
      void readFile(store.pathFor('btn-1'), 'utf8').then((text) => seen.push(text));
    };
    transport.answer = (press) => [ackFor(press)];
    const button = makeButton(transport, store);
    await button.press('SINGLE');
    await button.press('DOUBLE');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.map((text) => JSON.parse(text).seq)).toEqual([1, 2]);
    expect(transport.presses.map((p) => [p.seq, p.click])).toEqual([
      [1, 'SINGLE'],
      [2, 'DOUBLE'],
    ]);
  });

  it('re-sends the same sequence number with the attempt incremented until an ack arrives', async () => {
    const transport = new FakeTransport();
    transport.answer = (press) => (press.attempt < 3 ? [] : [ackFor(press)]);
    const report = await makeButton(transport).press('SINGLE');
    expect(transport.presses.map((p) => [p.seq, p.attempt])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    expect(report).toMatchObject({ seq: 1, attempt: 3, outcome: 'ORDERED' });
  });

  it('keeps an unacknowledged press and re-sends it, not renumbered, on the next run', async () => {
    const silent = new FakeTransport();
    await expect(makeButton(silent).press('LONG')).rejects.toThrow(/no signed ack for press 1/);
    expect(silent.presses.map((p) => p.attempt)).toEqual([1, 2, 3]);

    const next = new FakeTransport();
    next.answer = (press) => [ackFor(press, { outcome: 'CANCELLED', order: 'btn-1-0' })];
    const button = makeButton(next);
    expect(await button.pending()).toMatchObject({ seq: 1, click: 'LONG', attempt: 3 });
    const resent = await button.resendPending();
    expect(resent).toMatchObject({ seq: 1, attempt: 4, outcome: 'CANCELLED' });
    const fresh = await button.press('SINGLE');
    expect(fresh.seq).toBe(2);
    expect(next.presses.map((p) => [p.seq, p.click, p.attempt])).toEqual([
      [1, 'LONG', 4],
      [2, 'SINGLE', 1],
    ]);
  });

  it('refuses a new press while an earlier one is still unacknowledged', async () => {
    const state = new MemoryButtonStateStore();
    await expect(makeButton(new FakeTransport(), state).press('SINGLE')).rejects.toThrow();
    await expect(makeButton(new FakeTransport(), state).press('SINGLE')).rejects.toThrow(
      /press 1 of btn-1 has not been acknowledged yet/,
    );
  });

  it('ignores acks with a bad signature, for another seq, or for another device', async () => {
    const transport = new FakeTransport();
    transport.answer = (press) => [
      ackFor(press, { outcome: 'CANCELLED' }, OTHER_KEY),
      ackFor({ ...press, seq: press.seq + 7 }),
      ackFor({ ...press, device: 'btn-2' }),
    ];
    const ignored: string[] = [];
    const button = new VirtualButton({
      deviceId: 'btn-1',
      deviceKey: KEY,
      keyVersion: 1,
      sha256: nodeSha256,
      transport,
      state: new MemoryButtonStateStore(),
      ackTimeoutMs: 40,
      maxAttempts: 1,
      onEvent: (event) => {
        if (event.kind === 'ignored-ack') ignored.push(event.why);
      },
    });
    await expect(button.press('SINGLE')).rejects.toThrow(/no signed ack/);
    expect(ignored).toEqual([
      'ack for press 1 with a bad signature',
      'late ack for press 8',
      'ack for another device btn-2',
    ]);
  });
});
