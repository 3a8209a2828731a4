/**
 * Builds the web console into cloud/web/dist: app.js (esbuild bundle of src/main.ts), app.css
 * and index.html. Everything the page needs is in those files — no CDN, no runtime fetch
 * beyond the API and config.json on the same origin. Synchronous, so the CDK app can call it
 * while it synthesises. `npm run build:web`.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const WEB_SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));
export const WEB_DIST_DIR = join(WEB_SOURCE_DIR, 'dist');

export function buildWeb(outdir: string = WEB_DIST_DIR): string {
  mkdirSync(outdir, { recursive: true });
  buildSync({
    entryPoints: [join(WEB_SOURCE_DIR, 'src', 'main.ts')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'app.css']) {
    copyFileSync(join(WEB_SOURCE_DIR, file), join(outdir, file));
  }
  return outdir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const dir = buildWeb();
  process.stdout.write(`web console built into ${dir} in ${Date.now() - started} ms\n`);
}
