/**
 * A real-interpreter chip flashed as `npm run flash -- --dry-run --out <file>` would flash
 * it: the espruino CLI's upload of this button's files and the built firmware, run on the
 * interpreter (see RealChip.flash()).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DeviceConfigFile, flashFiles } from '../../../device/scripts/flash-config.ts';
import { upload } from '../../../device/scripts/upload.ts';
import { type RealBoot, RealChip, type RealWake } from './real-chip.ts';

export interface FlashedChip {
  chip: RealChip;
  config: DeviceConfigFile;
  /** The boot that ran the upload's `load(".bootcde")`. */
  flashed: RealWake;
}

export async function uploadFor(config: DeviceConfigFile, dir: string): Promise<string> {
  const out = join(dir, 'upload.js');
  const status = upload(flashFiles(config), { out });
  if (status !== 0) throw new Error(`espruino CLI exited with ${status}`);
  return readFile(out, 'latin1');
}

export async function flashedChip(
  config: DeviceConfigFile,
  boot: Partial<RealBoot> = {},
): Promise<FlashedChip> {
  const chip = await RealChip.create();
  const flashed = await chip.flash(await uploadFor(config, chip.dir), {
    cause: 'power',
    // The first boot on a busy machine.
    limitMs: 60_000,
    ...boot,
  });
  if (!flashed.sleep())
    throw new Error(`the upload did not start the firmware:\n${flashed.output}`);
  return { chip, config, flashed };
}
