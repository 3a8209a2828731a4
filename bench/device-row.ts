/**
 * The bench's device row: the flashed firmware on the real Espruino interpreter (ESPRUINO_BIN,
 * ESP32 pool of 16 383 variables) against the local stack. One SINGLE press from a button wake
 * over TCP and one over mutual TLS, with the fake Wi-Fi taking `wifi_join_ms` to join, as an
 * ESP32 does from deep sleep. Variables are `process.memory(false).usage`, sampled by the
 * prelude at every socket write and read, LED change and the sleep; times are from the
 * prelude's start (the wake) to the first PUBLISH written and to the outcome on the LED (the
 * verified ack).
 */

import {
  DynamoDesiredSettingsStore,
  DynamoFirmwareImageStore,
  DynamoUpdateAssignmentStore,
} from '../cloud/store/dynamo/dynamo-ota-stores.ts';
import { bundleDevice, FIRMWARE_VERSION } from '../device/scripts/build.ts';
import { PATTERNS } from '../device/src/led.ts';
import { flashedChip } from '../test/device/espruino/flashed-chip.ts';
import { type LocalStack, startLocalStack } from '../test/device/espruino/local-stack.ts';
import { realInterpreterMissing } from '../test/device/espruino/real-chip.ts';

export interface DeviceFigures {
  vars_after_load: number;
  vars_peak_tcp: number;
  vars_peak_tls: number;
  /** A press wake that also downloads its share of a firmware update (TCP). */
  vars_peak_update: number;
  update_wake_ms: number;
  /** A press wake that also fetches, stores and reports new settings (TCP). */
  vars_peak_settings: number;
  settings_wake_ms: number;
  /** What the settings fetch adds to the press wake: socket bytes (out + in), radio-on time. */
  settings_extra_bytes: number;
  settings_extra_radio_ms: number;
  /** A plain press wake over TCP: socket bytes (out + in, MQTT framing included), radio-on time. */
  press_wake_bytes: number;
  press_radio_ms: number;
  wake_to_publish_ms: number;
  wake_to_ack_ms: number;
  wifi_join_ms: number;
}

const WIFI_JOIN_MS = 1000;
const CONNECTING = PATTERNS.connecting.join(',');

/** Settings a brand might set: every field, two Wi-Fi networks (the largest answer is ~3 of them). */
const BENCH_SETTINGS = {
  led: 60,
  doubleMs: 500,
  longMs: 2000,
  double: 'order' as const,
  longCancels: true,
  wifi: [
    { ssid: 'kitchen-2g', pass: 'kitchen-pass' },
    { ssid: 'home', pass: 'wifi-password' },
  ],
};

async function pressOnce(local: LocalStack, tls: boolean, extra?: 'update' | 'settings') {
  const config = await local.newButton({ tls });
  const { chip } = await flashedChip(config);
  if (extra === 'settings') {
    await new DynamoDesiredSettingsStore(local.stack.table).setDesired(
      config.device,
      BENCH_SETTINGS,
    );
  }
  if (extra === 'update') {
    const clock = { now: Date.now };
    const image = Buffer.from(await bundleDevice('main', FIRMWARE_VERSION + 1), 'latin1');
    await new DynamoFirmwareImageStore(local.stack.table, clock).put(
      'acme',
      FIRMWARE_VERSION + 1,
      image,
    );
    await new DynamoUpdateAssignmentStore(local.stack.table, clock).assign(
      config.device,
      'bench',
      FIRMWARE_VERSION + 1,
    );
  }
  try {
    const wake = await chip.boot({ cause: 'button', wifiJoinMs: WIFI_JOIN_MS, limitMs: 60_000 });
    const loaded = wake.first('loaded');
    const publish = wake.first('publish');
    const outcome = wake.events.find(
      (e) => e.ev === 'led' && (e.p as number[]).join(',') !== CONNECTING,
    );
    const sleep = wake.sleep();
    if (!loaded || !publish || !outcome || !sleep || wake.shown()[0] !== 'ordered') {
      throw new Error(`the press did not order:\n${wake.output}`);
    }
    return {
      varsAfterLoad: loaded.vars as number,
      peak: sleep.peak,
      publishMs: publish.t,
      ackMs: outcome.t,
      sleepMs: wake.first('sleep')?.t as number,
      bytes: sleep.tx + sleep.rx,
      // From the start of the Wi-Fi join to the radio switched off.
      radioMs: (wake.first('wifiOff')?.t as number) - (wake.first('wifi')?.t as number),
    };
  } finally {
    await chip.remove();
  }
}

/** Null, with the reason on stderr, where no interpreter is found. */
export async function measureDevice(
  progress: (message: string) => void,
): Promise<DeviceFigures | null> {
  const missing = realInterpreterMissing();
  if (missing) {
    progress(`device: ${missing}`);
    return null;
  }
  progress(
    'device: the flashed firmware on the real interpreter, one press over TCP, one over TLS, one with an update share, one that fetches settings…',
  );
  const local = await startLocalStack();
  try {
    const tcp = await pressOnce(local, false);
    const tls = await pressOnce(local, true);
    const update = await pressOnce(local, false, 'update');
    const settings = await pressOnce(local, false, 'settings');
    return {
      vars_after_load: tcp.varsAfterLoad,
      vars_peak_tcp: tcp.peak,
      vars_peak_tls: tls.peak,
      vars_peak_update: update.peak,
      update_wake_ms: update.sleepMs,
      vars_peak_settings: settings.peak,
      settings_wake_ms: settings.sleepMs,
      settings_extra_bytes: settings.bytes - tcp.bytes,
      settings_extra_radio_ms: settings.radioMs - tcp.radioMs,
      press_wake_bytes: tcp.bytes,
      press_radio_ms: tcp.radioMs,
      wake_to_publish_ms: tcp.publishMs,
      wake_to_ack_ms: tcp.ackMs,
      wifi_join_ms: WIFI_JOIN_MS,
    };
  } finally {
    await local.close();
  }
}

export function printDevice(figures: DeviceFigures | null): void {
  if (!figures) {
    console.log('\nDevice: not measured, no real Espruino interpreter (set ESPRUINO_BIN).');
    return;
  }
  const f = figures;
  console.log('\nDevice on the real Espruino interpreter (pool of 16 383 variables)\n');
  console.log(`variables after load     ${f.vars_after_load}`);
  console.log(`variables at peak, TCP   ${f.vars_peak_tcp} (goal ≤ 2 500)`);
  console.log(`variables at peak, TLS   ${f.vars_peak_tls} (goal ≤ 5 500)`);
  console.log(`variables at peak, TCP press wake with an update share   ${f.vars_peak_update}`);
  console.log(`press wake with an update share   ${f.update_wake_ms} ms to sleep`);
  console.log(
    `press wake, TCP          radio on ${f.press_radio_ms} ms, ${f.press_wake_bytes} socket bytes`,
  );
  console.log(
    `press wake that fetches settings   radio on +${f.settings_extra_radio_ms} ms, +${f.settings_extra_bytes} socket bytes, ${f.settings_wake_ms} ms to sleep, peak ${f.vars_peak_settings} variables`,
  );
  console.log(
    `wake → PUBLISH           ${f.wake_to_publish_ms} ms (goal < ${400 + f.wifi_join_ms}: the click window hidden behind the ${f.wifi_join_ms} ms Wi-Fi join)`,
  );
  console.log(`wake → verified ack      ${f.wake_to_ack_ms} ms`);
}
