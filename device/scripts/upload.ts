/**
 * The espruino CLI's upload of one button: its flash files, then the firmware saved as
 * `.bootcde` and started with `load(".bootcde")`. `npm run flash` sends it to a board; with
 * `--dry-run --out <file>` it writes the same bytes to a file instead.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE, espruinoArgs } from './build.ts';
import type { FlashFile } from './flash-config.ts';

export type UploadTarget = { port: string } | { out: string };

/** Runs the espruino CLI; returns its exit status (null when it timed out). */
export function upload(files: FlashFile[], target: UploadTarget): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'restock-flash-'));
  try {
    const storage: string[] = [];
    for (const f of files) {
      const path = join(dir, f.name);
      writeFileSync(path, f.content, { encoding: 'latin1', mode: 0o600 });
      storage.push('--storage', `${f.name}:${path}`);
    }
    const to =
      'port' in target ? ['--port', target.port, '-b', '115200'] : ['-n', '-o', target.out];
    const run = spawnSync(
      process.execPath,
      espruinoArgs([...to, ...storage, '--storage', '.bootcde:-', BUNDLE]),
      { stdio: 'port' in target ? 'inherit' : 'pipe', timeout: 300_000 },
    );
    // The upload holds the device secret and key.
    if ('out' in target && existsSync(target.out)) chmodSync(target.out, 0o600);
    return run.status;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
