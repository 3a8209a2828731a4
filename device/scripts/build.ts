/**
 * `npm run build:device`: bundles the firmware with esbuild, runs the Espruino gate on the
 * bundle, prints its size (budget 31 KB, see BUDGET_BYTES) and writes the upload file with the
 * espruino CLI, offline, against the board description kept in device/boards/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { findEspruinoViolations } from './espruino-gate.ts';

const DEVICE = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(DEVICE, '..');
export const BUNDLE = join(DEVICE, 'dist', 'restock.js');
/** The boot file: runs the firmware slot (see device/src/loader.ts). */
export const LOADER = join(DEVICE, 'dist', 'loader.js');
export const UPLOAD = join(DEVICE, 'dist', 'restock.upload.js');
export const BOARD = join(DEVICE, 'boards', 'ESP32.json');
/**
 * 31 KB: 24 KB for the button, plus the over-the-air updater (~3.4 KB minified with its share
 * of the contract) and the settings it fetches and applies (~3 KB). Bytes live in flash (two
 * slots of at most this size in the board's 256 KB of Storage); the variables the firmware
 * takes at run time are what the device row's goals bound.
 */
const BUDGET_BYTES = 31 * 1024;

const show = (path: string) => relative(ROOT, path);

function fail(message: string): never {
  console.error(`✗ build:device: ${message}`);
  process.exit(1);
}

/** The espruino CLI, offline: -n (no board attached), local board JSON, no module downloads. */
export function espruinoArgs(extra: string[]): string[] {
  return [
    join(ROOT, 'node_modules', 'espruino', 'bin', 'espruino-cli.js'),
    '--board',
    BOARD,
    '--config',
    'MODULE_URL=',
    ...extra,
  ];
}

/** The firmware version a plain `npm run build:device` stamps; `--fw <n>` builds another. */
export const FIRMWARE_VERSION = 1;

/** One Espruino script from a device entry point; `fw` is the version it reports. */
export async function bundleDevice(entry: 'main' | 'loader', fw: number): Promise<string> {
  const result = await build({
    entryPoints: [join(DEVICE, 'src', `${entry}.ts`)],
    write: false,
    bundle: true,
    minify: true,
    // The boot file runs at the top level, unwrapped (see loader.ts); the firmware in an IIFE.
    format: entry === 'loader' ? 'esm' : 'iife',
    target: 'es2018',
    legalComments: 'none',
    define: { RESTOCK_FW: String(fw) },
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    logLevel: 'error',
  });
  return result.outputFiles[0]?.text ?? '';
}

function gate(path: string, source: string): void {
  const violations = findEspruinoViolations(source);
  for (const v of violations)
    console.error(`${show(path)}:${v.line}:${v.column + 1} ${v.construct}`);
  if (violations.length > 0) fail(`${violations.length} construct(s) Espruino cannot run`);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--fw');
  const fw = at > 0 ? Number(process.argv[at + 1]) : FIRMWARE_VERSION;
  if (!(fw >= 1 && Math.floor(fw) === fw)) fail('--fw takes a firmware version from 1');
  mkdirSync(dirname(BUNDLE), { recursive: true });
  const firmware = await bundleDevice('main', fw);
  const loader = await bundleDevice('loader', fw);
  gate(BUNDLE, firmware);
  gate(LOADER, loader);
  writeFileSync(BUNDLE, firmware);
  writeFileSync(LOADER, loader);
  console.log(`✓ ${show(LOADER)}: ${loader.length} bytes, the boot file, Espruino gate clean`);
  const size = statSync(BUNDLE).size;
  console.log(
    `✓ ${show(BUNDLE)}: firmware ${fw}, ${size} bytes (${(size / 1024).toFixed(1)} KB of ${BUDGET_BYTES / 1024} KB), Espruino gate clean`,
  );
  if (size > BUDGET_BYTES) fail(`bundle is over the ${BUDGET_BYTES / 1024} KB budget`);

  const cli = spawnSync(
    process.execPath,
    espruinoArgs([
      '-n',
      '--storage',
      `rs.s0:${BUNDLE}`,
      '--storage',
      '.bootcde:-',
      '-o',
      UPLOAD,
      LOADER,
    ]),
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (cli.status !== 0) fail(`espruino CLI failed:\n${cli.stdout}\n${cli.stderr}`);
  console.log(
    `✓ ${show(UPLOAD)}: ${statSync(UPLOAD).size} bytes, upload file (espruino CLI, offline)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
