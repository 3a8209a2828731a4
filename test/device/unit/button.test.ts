/**
 * The firmware's plain code through the Platform seam, on a manual clock: click
 * classification, the queue's back-off, and a whole wake (Button with its Delivery) against an
 * in-memory MQTT peer. Fast and exact; the vm harness and the real interpreter prove the
 * Espruino side.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ackTopic,
  decodePress,
  encodeAck,
  fromHex,
  pressIngestTopic,
  signAck,
} from '#shared/index';
import { flashFiles } from '../../../device/scripts/flash-config.ts';
import { Button } from '../../../device/src/app.ts';
import { type Click, ClickDetector } from '../../../device/src/click.ts';
import { C } from '../../../device/src/constants.ts';
import { PATTERNS } from '../../../device/src/led.ts';
import { PressQueue } from '../../../device/src/queue.ts';
import { nodeSha256 } from '../../helpers/sha256.ts';
import { FakePlatform } from './fake-platform.ts';

const SECRET = 'ab'.repeat(32);
const DEVICE = 'unit-1';

function clicksOn(p: FakePlatform) {
  const clicks: Click[] = [];
  const detector = new ClickDetector({
    setTimer: p.setTimer,
    clearTimer: p.clearTimer,
    onClick: (c) => clicks.push(c),
  });
  p.watchButton((e) => detector.edge(e));
  return { clicks, detector };
}

describe('ClickDetector on a manual clock', () => {
  it.each([
    [
      'a short press',
      [
        [0, true],
        [100, false],
      ],
      ['SINGLE'],
    ],
    [
      'two presses 300 ms apart',
      [
        [0, true],
        [100, false],
        [300, true],
        [100, false],
      ],
      ['DOUBLE'],
    ],
    [
      'two presses 600 ms apart',
      [
        [0, true],
        [100, false],
        [600, true],
        [100, false],
      ],
      ['SINGLE', 'SINGLE'],
    ],
    [
      'a 2 s hold',
      [
        [0, true],
        [2000, false],
      ],
      ['LONG'],
    ],
    [
      'a 6 s hold',
      [
        [0, true],
        [6000, false],
      ],
      ['SETUP'],
    ],
  ] as const)('%s', (_name, edges, expected) => {
    const p = new FakePlatform();
    const { clicks } = clicksOn(p);
    for (const [wait, pressed] of edges) {
      p.advance(wait);
      p.edge(pressed);
    }
    p.advance(1000);
    expect(clicks).toEqual(expected);
  });

  it('setup is reported while the button is still held, and its release adds nothing', () => {
    const p = new FakePlatform();
    const { clicks } = clicksOn(p);
    p.edge(true);
    p.advance(C.SETUP_MS);
    expect(clicks).toEqual(['SETUP']);
    p.advance(3000);
    p.edge(false);
    expect(clicks).toEqual(['SETUP']);
  });
});

describe('PressQueue', () => {
  it('backs off between half and all of a step that doubles from 30 s, never past 30 min, and persists every step', () => {
    const steps = [30, 60, 120, 240, 480, 960, 1800, 1800, 1800, 1800].map((s) => s * 1000);
    const backoffs = (draw: number) => {
      const p = new FakePlatform();
      const queue = new PressQueue(p);
      queue.add('SINGLE', 3900);
      const sleeps = steps.map(() => queue.backoffMs(draw));
      expect(JSON.parse(p.files.get(C.FILES.QUEUE) ?? '{}').fails).toBe(steps.length);
      return sleeps;
    };
    expect(backoffs(0)).toEqual(steps.map((step) => step / 2));
    expect(backoffs(0.5)).toEqual(steps.map((step) => step * 0.75));
    expect(backoffs(1 - 2 ** -32)).toEqual(steps.map((step) => step - 1));
  });

  it('for any draws, each failed wake sleeps a whole number of ms within its doubling step', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 14,
        }),
        (draws) => {
          const queue = new PressQueue(new FakePlatform());
          queue.add('SINGLE', 3900);
          let step = C.BACKOFF_BASE_MS;
          for (const draw of draws) {
            const ms = queue.backoffMs(draw);
            expect(ms).toBeGreaterThanOrEqual(step / 2);
            expect(ms).toBeLessThanOrEqual(step);
            expect(Number.isInteger(ms)).toBe(true);
            step = Math.min(step * 2, C.BACKOFF_MAX_MS);
          }
        },
      ),
    );
  });

  it('hands out each sequence number once, written before it is returned', () => {
    const p = new FakePlatform();
    const first = new PressQueue(p).add('SINGLE', 3900);
    const second = new PressQueue(p).add('LONG', 3900);
    expect([first?.seq, second?.seq]).toEqual([1, 2]);
  });
});

/** A button flashed with its config, whose broker acks every press with `outcome`. */
function provisioned(outcome = 'ORDERED', device = DEVICE): FakePlatform {
  const p = new FakePlatform();
  for (const f of flashFiles({
    device,
    kv: 1,
    secret: SECRET,
    broker: { host: '127.0.0.1', port: 1883, tls: false },
    wifi: { ssid: 'home', password: 'pw' },
  }))
    p.files.set(f.name, f.content);
  p.responder = ({ payload }) => {
    const decoded = decodePress(payload);
    if (!decoded.ok) return null;
    const ack = signAck(nodeSha256, fromHex(SECRET) as Uint8Array, {
      device,
      seq: decoded.message.seq,
      outcome: outcome as 'ORDERED',
      kv: 1,
    });
    return { topic: `restock/v1/${device}/ack`, payload: encodeAck(ack) };
  };
  return p;
}

/** The sleep after a first failed wake: between half and all of the first back-off step. */
function expectFirstBackoff(ms: number | null): void {
  expect(ms).toBeGreaterThanOrEqual(C.BACKOFF_BASE_MS / 2);
  expect(ms).toBeLessThanOrEqual(C.BACKOFF_BASE_MS);
}

const shown = (p: FakePlatform) =>
  p.leds
    .map((l) => Object.entries(PATTERNS).find(([, v]) => v.join() === l.join())?.[0])
    .filter((n) => n !== 'connecting');
const published = (p: FakePlatform) =>
  p.trace.filter((t) => t.startsWith('publish ')).map((t) => JSON.parse(t.slice(8)));

describe('Button and Delivery through the Platform seam', () => {
  it('a SINGLE wake: Wi-Fi starts at once, the press goes out when the join is done', () => {
    const p = provisioned();
    new Button(p).boot();
    expect(p.trace).toEqual(['wifi']);
    p.advance(C.DOUBLE_GAP_MS + 1);
    expect(p.trace).toEqual(['wifi', `flash ${C.FILES.QUEUE}`]);
    p.advance(p.wifiJoinMs + 100);
    expect(published(p)).toMatchObject([{ seq: 1, click: 'SINGLE', attempt: 1 }]);
    p.advance(5000);
    expect(shown(p)).toEqual(['ordered']);
    expect(p.sleptMs).toBe(0);
  });

  it('a LONG hold never publishes a SINGLE, though the session opened before it was known', () => {
    const p = provisioned('CANCELLED');
    p.pressed = true;
    new Button(p).boot();
    p.advance(2000);
    p.edge(false);
    p.advance(5000);
    expect(published(p).map((x) => x.click)).toEqual(['LONG']);
    expect(shown(p)).toEqual(['cancelled']);
  });

  it('a setup hold closes the session without publishing and opens setup mode', () => {
    const p = provisioned();
    p.pressed = true;
    new Button(p).boot();
    p.advance(C.SETUP_MS + 100);
    expect(published(p)).toEqual([]);
    expect(shown(p)).toEqual(['setup']);
  });

  it('no session at the broker: subscribes to its ack topic at QoS 0, presses through Basic Ingest', () => {
    const p = provisioned();
    new Button(p).boot();
    p.advance(30_000);
    expect(p.subscriptions).toEqual([{ topic: ackTopic(DEVICE), qos: 0 }]);
    expect(p.publishTopics).toEqual([pressIngestTopic(DEVICE)]);
    expect(shown(p)).toEqual(['ordered']);
  });

  it('a resumed session holds the subscription: no SUBSCRIBE, the press is acked', () => {
    const p = provisioned();
    p.sessionPresent = true;
    p.ackSubscribed = true;
    new Button(p).boot();
    p.advance(30_000);
    expect(p.subscriptions).toEqual([]);
    expect(published(p)).toMatchObject([{ seq: 1, attempt: 1 }]);
    expect(shown(p)).toEqual(['ordered']);
  });

  it('a session resumed without its subscription: no ack, so it subscribes and re-sends the same seq', () => {
    const p = provisioned();
    p.sessionPresent = true;
    new Button(p).boot();
    p.advance(60_000);
    expect(p.subscriptions).toEqual([{ topic: ackTopic(DEVICE), qos: 0 }]);
    expect(published(p)).toMatchObject([
      { seq: 1, attempt: 1 },
      { seq: 1, attempt: 2 },
    ]);
    expect(shown(p)).toEqual(['ordered']);
    expect(JSON.parse(p.files.get(C.FILES.QUEUE) ?? '{}').items).toHaveLength(0);
  });

  it('an ack that does not verify is ignored: the press stays, the chip backs off', () => {
    const p = provisioned();
    const genuine = p.responder;
    p.responder = (press) => {
      const ack = genuine(press);
      return ack && { topic: ack.topic, payload: ack.payload.replace(/"sig":"./, '"sig":"~') };
    };
    new Button(p).boot();
    p.advance(30_000);
    expect(shown(p)).toEqual(['noBroker']);
    expectFirstBackoff(p.sleptMs);
    expect(JSON.parse(p.files.get(C.FILES.QUEUE) ?? '{}').items).toHaveLength(1);
  });

  it('broker down: "no broker" at once, the press kept for the timer wake, same seq', () => {
    const p = provisioned();
    p.brokerUp = false;
    new Button(p).boot();
    p.advance(5000);
    expect(shown(p)).toEqual(['noBroker']);
    expectFirstBackoff(p.sleptMs);

    const next = provisioned();
    next.files.set(C.FILES.QUEUE, p.files.get(C.FILES.QUEUE) as string);
    next.cause = 'timer';
    new Button(next).boot();
    next.advance(10_000);
    expect(published(next).map((x) => x.seq)).toEqual([1]);
    expect(next.sleptMs).toBe(0);
  });
});

/**
 * One wake with the broker down that fails to deliver the press waiting in flash (the
 * `before` wake's flash, or a new press when there is none); returns the sleep it asks for.
 */
function failedWake(options: { device?: string; word?: number; before?: FakePlatform }) {
  const p = provisioned('ORDERED', options.device);
  p.brokerUp = false;
  if (options.word !== undefined) p.word = options.word;
  const queue = options.before?.files.get(C.FILES.QUEUE);
  if (queue !== undefined) {
    p.files.set(C.FILES.QUEUE, queue);
    p.cause = 'timer';
  }
  new Button(p).boot();
  p.advance(30_000);
  return p;
}

describe('back-off after a broker outage', () => {
  it('buttons that failed in the same outage sleep different times, though the ESP32 gives each the same random word', () => {
    const sleeps = Array.from({ length: 8 }, (_, i) => failedWake({ device: `unit-${i}` }).sleptMs);
    for (const ms of sleeps) expectFirstBackoff(ms);
    expect(new Set(sleeps).size).toBe(sleeps.length);
  });

  it('a button with a different hardware random word sleeps a different time', () => {
    const first = failedWake({ word: 1 }).sleptMs;
    const second = failedWake({ word: 2 }).sleptMs;
    expectFirstBackoff(first);
    expectFirstBackoff(second);
    expect(first).not.toBe(second);
  });

  it('failed wakes in a row: each sleeps within its doubling step, never past 30 min, the press kept', () => {
    let wake = failedWake({});
    const sleeps = [wake.sleptMs as number];
    for (let i = 1; i < 10; i++) {
      wake = failedWake({ before: wake });
      sleeps.push(wake.sleptMs as number);
    }
    let step = C.BACKOFF_BASE_MS;
    for (const ms of sleeps) {
      expect(ms).toBeGreaterThanOrEqual(step / 2);
      expect(ms).toBeLessThanOrEqual(step);
      step = Math.min(step * 2, C.BACKOFF_MAX_MS);
    }
    expect(step).toBe(C.BACKOFF_MAX_MS);
    expect(JSON.parse(wake.files.get(C.FILES.QUEUE) ?? '{}').items).toMatchObject([{ seq: 1 }]);
  });
});
