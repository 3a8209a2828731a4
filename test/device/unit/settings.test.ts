/**
 * Button settings through the Platform seam, on a manual clock: the firmware's checks agree
 * with the cloud's bounds, the two alternating flash records survive a torn write, and a whole
 * wake fetches, stores and reports settings after the press, which the next wake applies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodePress,
  encodeAck,
  fromHex,
  pressIngestTopic,
  shadowGetAcceptedTopic,
  shadowGetTopic,
  shadowUpdateTopic,
  signAck,
  UpdateFlag,
} from '#shared/index';
import { checkDeviceSettings } from '../../../cloud/core/fleet/device-settings-bounds.ts';
import type { DeviceSettings } from '../../../cloud/core/ota/ports.ts';
import { flashFiles } from '../../../device/scripts/flash-config.ts';
import { Button } from '../../../device/src/app.ts';
import { PATTERNS } from '../../../device/src/led.ts';
import { recordStore } from '../../../device/src/records.ts';
import {
  readSettings,
  SETTINGS_FILES,
  saveSettings,
  settingsProblem,
} from '../../../device/src/settings.ts';
import { nodeSha256 } from '../../helpers/sha256.ts';
import { FakePlatform } from './fake-platform.ts';

const SECRET = 'cd'.repeat(32);
const DEVICE = 'unit-s';

const cloudAccepts = (settings: unknown) => {
  try {
    checkDeviceSettings(settings as DeviceSettings);
    return true;
  } catch {
    return false;
  }
};

const ascii = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.'.split('')), minLength, maxLength });

/** Settings around the bounds: in range and just outside, on every field. */
const nearBounds = fc.record(
  {
    led: fc.integer({ min: -5, max: 105 }),
    doubleMs: fc.integer({ min: 140, max: 1010 }),
    longMs: fc.integer({ min: 990, max: 4510 }),
    double: fc.constantFrom('order', 'cancel', 'none', 'twice'),
    longCancels: fc.boolean(),
    wifi: fc.array(fc.record({ ssid: ascii(0, 34), pass: ascii(0, 65) }), { maxLength: 4 }),
  },
  { requiredKeys: [] },
);

describe('settings the firmware accepts', () => {
  it('are exactly those within the cloud’s bounds (property)', () => {
    fc.assert(
      fc.property(nearBounds, (settings) => {
        expect(settingsProblem(settings) === null).toBe(cloudAccepts(settings));
      }),
      { numRuns: 2000 },
    );
  });

  it('any JSON value is checked without throwing; what is not an object is refused', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problem = settingsProblem(value);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          expect(problem).toBe('settings');
        }
      }),
    );
  });

  it('refuses fractional numbers and wrong types, naming the field', () => {
    expect(settingsProblem({ led: 50.5 })).toBe('led');
    expect(settingsProblem({ longMs: '2000' })).toBe('longMs');
    expect(settingsProblem({ longCancels: 'yes' })).toBe('longCancels');
    expect(settingsProblem({ wifi: 'home' })).toBe('wifi');
    expect(settingsProblem({ wifi: [null] })).toBe('wifi.ssid');
    expect(settingsProblem({ wifi: [{ ssid: 'home', pass: 7 }] })).toBe('wifi.pass');
    // A field a newer cloud knows and this firmware does not is no reason to refuse the rest.
    expect(settingsProblem({ led: 10, chime: true })).toBeNull();
  });
});

describe('settings in flash: two alternating records', () => {
  it('the latest saved version is read back, whatever the number of saves (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 }),
        (leds) => {
          const files = new Map<string, string>();
          const store = {
            read: (n: string) => files.get(n),
            write: (n: string, d: string) => files.set(n, d),
          };
          let record = readSettings(store);
          leds.forEach((led, i) => {
            record = saveSettings(store, record, i + 1, { led });
          });
          expect(readSettings(store)).toMatchObject({ v: leds.length, s: { led: leds.at(-1) } });
        },
      ),
    );
  });

  it('a write torn by power loss leaves the previous version whole, never a mix', () => {
    const files = new Map<string, string>();
    const store = {
      read: (n: string) => files.get(n),
      write: (n: string, d: string) => files.set(n, d),
    };
    const v1 = saveSettings(store, null, 1, { led: 50, wifi: [{ ssid: 'home', pass: '' }] });
    const v2 = saveSettings(store, v1, 2, { led: 20 });
    const file = SETTINGS_FILES[v2.n % 2] as string;
    const whole = files.get(file) as string;
    for (let cut = 0; cut < whole.length; cut++) {
      files.set(file, whole.slice(0, cut));
      expect(readSettings(store)).toEqual(v1);
    }
    files.set(file, whole);
    expect(readSettings(store)).toEqual(v2);
  });

  it('a record whose settings are out of bounds is not applied', () => {
    const files = new Map<string, string>();
    const store = {
      read: (n: string) => files.get(n),
      write: (n: string, d: string) => files.set(n, d),
    };
    const v1 = saveSettings(store, null, 1, { led: 50 });
    files.set(SETTINGS_FILES[0] as string, JSON.stringify({ n: 2, v: 2, s: { led: 900 } }));
    expect(readSettings(store)).toEqual(v1);
  });
});

/** A flashed button whose broker acks every press (v2, `upd` as given) and answers shadow/get. */
function provisioned(
  upd: number,
  desired: { version: number; state: unknown } | null,
): FakePlatform {
  const p = new FakePlatform();
  for (const f of flashFiles({
    device: DEVICE,
    kv: 1,
    secret: SECRET,
    broker: { host: '127.0.0.1', port: 1883, tls: false },
    wifi: { ssid: 'home', password: 'home-pass' },
  }))
    p.files.set(f.name, f.content);
  p.responder = ({ topic, payload }) => {
    if (topic === shadowGetTopic(DEVICE)) {
      return desired
        ? { topic: shadowGetAcceptedTopic(DEVICE), payload: JSON.stringify(desired) }
        : null;
    }
    const decoded = decodePress(payload);
    if (!decoded.ok) return null;
    const ack = signAck(nodeSha256, fromHex(SECRET) as Uint8Array, {
      v: 2,
      device: DEVICE,
      seq: decoded.message.seq,
      outcome: decoded.message.click === 'LONG' ? 'CANCELLED' : 'ORDERED',
      kv: 1,
      upd,
    });
    return { topic: `restock/v1/${DEVICE}/ack`, payload: encodeAck(ack) };
  };
  return p;
}

/** Each publish of the wake: topic and parsed payload, in order. */
const publishes = (p: FakePlatform) => {
  const payloads = p.trace.filter((t) => t.startsWith('publish ')).map((t) => t.slice(8));
  return p.publishTopics.map((topic, i) => ({ topic, body: JSON.parse(payloads[i] as string) }));
};

const SETTINGS = {
  led: 25,
  doubleMs: 800,
  longMs: 1200,
  double: 'none',
  longCancels: false,
  wifi: [
    { ssid: 'attic', pass: 'attic-pass' },
    { ssid: 'garage', pass: '' },
  ],
};

/** Runs one button wake: a click, then everything until the chip sleeps. */
function wake(p: FakePlatform): FakePlatform {
  new Button(p).boot();
  p.advance(60_000);
  return p;
}

describe('a wake whose ack says new settings wait', () => {
  it('publishes the press first, then fetches, stores and reports the settings; cfg follows', () => {
    const p = wake(provisioned(UpdateFlag.SETTINGS, { version: 4, state: { desired: SETTINGS } }));
    expect(publishes(p).map((x) => x.topic)).toEqual([
      pressIngestTopic(DEVICE),
      shadowGetTopic(DEVICE),
      shadowUpdateTopic(DEVICE),
    ]);
    expect(publishes(p)[0]?.body).toMatchObject({ v: 2, cfg: 0 });
    expect(publishes(p)[2]?.body).toEqual({
      state: {
        reported: {
          cfg: 4,
          led: 25,
          doubleMs: 800,
          longMs: 1200,
          double: 'none',
          longCancels: false,
          wifi: [{ ssid: 'attic' }, { ssid: 'garage' }],
        },
      },
    });
    // Applied from the next wake: this one showed its outcome at full brightness.
    expect(p.leds).toContainEqual(PATTERNS.ordered);
    expect(readSettings(recordStore(p))).toMatchObject({ v: 4, s: SETTINGS });
    expect(p.sleptMs).toBe(0);

    const next = provisioned(0, null);
    for (const name of SETTINGS_FILES) {
      const data = p.files.get(name);
      if (data !== undefined) next.files.set(name, data);
    }
    wake(next);
    expect(publishes(next)[0]?.body).toMatchObject({ cfg: 4 });
  });

  it.each([
    ['out of bounds', { version: 5, state: { desired: { led: 101 } } }, 5, 'led'],
    ['without a version', { state: { desired: { led: 10 } } }, 0, 'version'],
    ['not settings', { version: 5, state: { desired: [1, 2] } }, 5, 'settings'],
  ])(
    'a document %s is not stored; the refusal is reported and cfg stays',
    (_name, doc, refused, reason) => {
      const p = wake(provisioned(UpdateFlag.SETTINGS, doc as { version: number; state: unknown }));
      expect(publishes(p).at(-1)).toEqual({
        topic: shadowUpdateTopic(DEVICE),
        body: { state: { reported: { cfg: 0, refused, reason } } },
      });
      expect(p.logs).toContain(`settings refused: ${reason}`);
      expect(readSettings(recordStore(p))).toBeNull();
      expect(p.sleptMs).toBe(0);
    },
  );

  it('a cloud that never answers ends the fetch; the button sleeps with the press delivered', () => {
    const p = wake(provisioned(UpdateFlag.SETTINGS, null));
    expect(
      publishes(p)
        .map((x) => x.topic)
        .at(-1),
    ).toBe(shadowGetTopic(DEVICE));
    expect(readSettings(recordStore(p))).toBeNull();
    expect(p.sleptMs).toBe(0);
  });
});

describe('a wake that boots with settings applies them', () => {
  function withSettings(settings: object): FakePlatform {
    const p = provisioned(0, null);
    saveSettings(recordStore(p), null, 3, settings);
    return p;
  }

  it('LED: every "on" pulse at the set brightness, the rhythm kept', () => {
    const p = wake(withSettings({ led: 25 }));
    expect(p.leds[0]).toEqual([20, 420]);
    expect(p.leds).toContainEqual([500]);
    const dark = wake(withSettings({ led: 0 }));
    expect(dark.leds).toEqual([]);
    expect(publishes(dark)).toHaveLength(1);
  });

  it('Wi-Fi: the listed networks in order, then the flashed one as the fallback', () => {
    const p = withSettings({ wifi: SETTINGS.wifi });
    p.ssids = ['garage', 'home'];
    wake(p);
    expect(p.joins).toEqual(['attic', 'garage']);
    expect(publishes(p)).toHaveLength(1);

    const wrong = withSettings({ wifi: SETTINGS.wifi });
    wrong.ssids = ['home'];
    wake(wrong);
    expect(wrong.joins).toEqual(['attic', 'garage', 'home']);
    expect(publishes(wrong)).toHaveLength(1);
  });

  it('click timings: a 1.3 s hold is LONG with longMs 1200 (a SINGLE with the default 1.5 s)', () => {
    for (const [settings, click] of [
      [{ longMs: 1200 }, 'LONG'],
      [{}, 'SINGLE'],
    ] as const) {
      const p = withSettings(settings);
      p.pressed = true;
      new Button(p).boot();
      p.advance(1300);
      p.edge(false);
      p.advance(60_000);
      expect(publishes(p).map((x) => x.body.click)).toEqual([click]);
    }
  });

  it('click timings: presses 0.6 s apart are a DOUBLE with doubleMs 800 (two SINGLEs by default)', () => {
    for (const [settings, clicks] of [
      [{ doubleMs: 800 }, ['DOUBLE']],
      [{}, ['SINGLE', 'SINGLE']],
    ] as const) {
      const p = withSettings(settings);
      new Button(p).boot();
      p.advance(600);
      p.edge(true);
      p.advance(100);
      p.edge(false);
      p.advance(60_000);
      expect(publishes(p).map((x) => x.body.click)).toEqual(clicks);
    }
  });

  it.each([
    [{ double: 'cancel' }, 'DOUBLE', ['LONG']],
    [{ double: 'none' }, 'DOUBLE', []],
    [{ double: 'order' }, 'DOUBLE', ['DOUBLE']],
    [{ longCancels: false }, 'LONG', []],
    [{ longCancels: true }, 'LONG', ['LONG']],
  ])('%j: a %s click is sent as %j', (settings, click, sent) => {
    const p = withSettings(settings);
    p.pressed = click === 'LONG';
    new Button(p).boot();
    if (click === 'LONG') {
      p.advance(2000);
      p.edge(false);
    } else {
      p.advance(100);
      p.edge(true);
      p.advance(100);
      p.edge(false);
    }
    p.advance(60_000);
    expect(publishes(p).map((x) => x.body.click)).toEqual(sent);
    expect(p.sleptMs).toBe(0);
  });
});
