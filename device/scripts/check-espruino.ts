/** `npm run check:espruino -- <file.js> [...]`: fails, naming line and construct, on Espruino-unsafe code. */
import { readFileSync } from 'node:fs';
import { findEspruinoViolations } from './espruino-gate.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run check:espruino -- <bundle.js> [more.js ...]');
  process.exit(2);
}
let failures = 0;
for (const file of files) {
  const violations = findEspruinoViolations(readFileSync(file, 'utf8'));
  for (const v of violations) console.error(`${file}:${v.line}:${v.column + 1}  ${v.construct}`);
  if (violations.length > 0) {
    failures += violations.length;
    console.error(`✗ ${file}: ${violations.length} construct(s) Espruino cannot run.`);
  } else {
    console.log(`✓ ${file}: only Espruino-safe constructs.`);
  }
}
if (failures > 0) {
  console.error('Fix: rewrite the source without those constructs; esbuild passes them through.');
  process.exit(1);
}
