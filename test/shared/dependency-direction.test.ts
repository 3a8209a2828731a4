import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) out = out.concat(sourceFiles(path));
    else if (/\.ts$/.test(name)) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
}

describe('dependency direction: device → shared ← cloud', () => {
  it('shared imports nothing but itself (zero runtime dependencies)', () => {
    for (const file of sourceFiles('shared')) {
      for (const spec of importsOf(file)) expect(`${file}: ${spec}`).toMatch(/: \.\/[\w-]+\.ts$/);
    }
  });

  it('device never imports cloud, and cloud never imports device', () => {
    const crossings = [
      ...sourceFiles('device').flatMap((f) => importsOf(f).filter((s) => /cloud\//.test(s))),
      ...sourceFiles('cloud').flatMap((f) => importsOf(f).filter((s) => /device\//.test(s))),
    ];
    expect(crossings).toEqual([]);
  });

  it('only the benchmarks and their own smoke test import bench/', () => {
    const importers = ['cloud', 'shared', 'device', 'test'].flatMap((dir) =>
      sourceFiles(dir)
        .filter((f) => !f.startsWith(join('test', 'bench')))
        .filter((f) => importsOf(f).some((s) => /(^|\/)bench\//.test(s))),
    );
    expect(importers).toEqual([]);
  });

  it('the AWS side (infra, lambdas) never imports the one-machine stack', () => {
    const importers = ['cloud/infra', 'cloud/lambdas', 'cloud/core', 'cloud/store', 'cloud/api']
      .flatMap((dir) => sourceFiles(dir))
      .filter((f) => importsOf(f).some((s) => /(^|\/)local\//.test(s)));
    expect(importers).toEqual([]);
  });
});
