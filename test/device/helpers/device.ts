import { existsSync, readFileSync } from 'node:fs';
import { flashFiles } from '../../../device/scripts/flash-config.ts';
import { SimulatedChip } from '../harness/chip.ts';
import type { CloudUnderTest } from './cloud.ts';

const BUNDLE = new URL('../../../device/dist/restock.js', import.meta.url);

/** The bytes that would be flashed; `npm test` builds them before vitest runs. */
export function builtBundle(): string {
  if (!existsSync(BUNDLE))
    throw new Error('device/dist/restock.js missing: run `npm run build:device`');
  return readFileSync(BUNDLE, 'utf8');
}

export const WIFI_PASSWORD = 'wifi-secret-password';

/** A chip whose flash holds this device's config, written the way `npm run flash` writes it. */
const chips: SimulatedChip[] = [];

/** Errors thrown inside firmware callbacks on any chip since the last call. */
export function firmwareErrors(): unknown[] {
  const errors = chips.flatMap((c) => c.wakes.flatMap((w) => w.errors));
  chips.length = 0;
  return errors;
}

export function provisionedChip(
  cloud: CloudUnderTest,
  device: string,
  broker: { host?: string } = {},
): SimulatedChip {
  const chip = new SimulatedChip(builtBundle());
  chips.push(chip);
  const files = flashFiles({
    device,
    kv: cloud.keyVersion,
    secret: cloud.deviceSecret(device),
    broker: { host: broker.host ?? '127.0.0.1', port: cloud.mqttPort, tls: false },
    wifi: { ssid: 'home', password: WIFI_PASSWORD },
  });
  for (const f of files) chip.storage.set(f.name, f.content);
  return chip;
}
