/**
 * `npm run flash -- --port <tty> --config <device.json> [--dry-run [--out <file>]]`: writes one
 * button's configuration to flash and saves the built firmware as its boot code, with the
 * espruino CLI.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BUNDLE } from './build.ts';
import { ConfigFileError, flashFiles, withWifi } from './flash-config.ts';
import { upload } from './upload.ts';

const USAGE = `usage: npm run flash -- --port <serial port> --config <device.json> [--wifi-ssid S --wifi-password P] [--dry-run [--out F]]

  --port     the board's serial port, e.g. /dev/ttyUSB0 (Linux) or /dev/cu.usbserial-0001 (macOS)
  --config   the per-device JSON written by fleet provisioning (device, kv, secret, broker,
             wifi, certificates)
  --wifi-ssid, --wifi-password
             the household's Wi-Fi, when the config file has none (provisioning cannot know it)
  --dry-run  validate and print what would be written, without a board
  --out      with --dry-run: write the exact upload to this file (it holds the device secret)

Before flashing: Espruino 2v29 firmware on the ESP32 (see espruino.com/ESP32), the board on
USB, and \`npm run build:device\` run since the last change.`;

function die(message: string): never {
  console.error(`✗ flash: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: {
  port?: string | undefined;
  config?: string | undefined;
  'wifi-ssid'?: string | undefined;
  'wifi-password'?: string | undefined;
  'dry-run'?: boolean;
  out?: string | undefined;
};
try {
  values = parseArgs({
    options: {
      port: { type: 'string' },
      config: { type: 'string' },
      'wifi-ssid': { type: 'string' },
      'wifi-password': { type: 'string' },
      'dry-run': { type: 'boolean' },
      out: { type: 'string' },
    },
  }).values;
} catch (error) {
  die((error as Error).message);
}
const dryRun = values['dry-run'] === true;
if (!values.config) die('--config is required');
if (!values.port && !dryRun) die('--port is required');
if (values.out && !dryRun) die('--out goes with --dry-run');
if (!existsSync(values.config)) die(`no such config file: ${values.config}`);
if (!existsSync(BUNDLE)) die('no firmware bundle: run `npm run build:device` first');

let files: ReturnType<typeof flashFiles>;
try {
  const raw = JSON.parse(readFileSync(values.config, 'utf8'));
  files = flashFiles(
    withWifi(raw, { ssid: values['wifi-ssid'], password: values['wifi-password'] }),
  );
} catch (error) {
  if (error instanceof ConfigFileError || error instanceof SyntaxError) {
    die(`${values.config}: ${error.message}`);
  }
  throw error;
}

// Names and sizes only: the files hold the device secret and keys.
console.log('flash: Storage files to write');
for (const f of files) console.log(`  ${f.name.padEnd(8)} ${f.content.length} bytes`);
console.log('  .bootcde firmware (device/dist/restock.js)');
if (dryRun && !values.out) {
  console.log('flash: dry run, nothing written.');
  process.exit(0);
}
if (dryRun) {
  const status = upload(files, { out: values.out as string });
  if (status !== 0) die(`espruino CLI exited with ${status}`);
  console.log(
    `flash: dry run, the upload a board would get is in ${values.out} (keep it private).`,
  );
  process.exit(0);
}

console.log(`flash: uploading to ${values.port} (press the board's EN/reset if it hangs)...`);
const status = upload(files, { port: values.port as string });
if (status !== 0) die(`espruino CLI exited with ${status}; is the port right and free?`);
console.log('flash: done. Press the button: the LED blinks while connecting, then the outcome.');
