import { describe, expect, it } from 'vitest';
import { findEspruinoViolations } from '../../device/scripts/espruino-gate.ts';

// One snippet per construct or global the gate refuses (device/scripts/espruino-gate.ts).
const FORBIDDEN: [string, string][] = [
  ['var {a} = o;', 'destructuring'],
  ['var [a] = o;', 'destructuring'],
  ['function f({a}) {}', 'destructuring'],
  ['function f(a = 1) {}', 'default parameter'],
  ['function f(...a) {}', 'rest element'],
  ['f(...a);', 'spread'],
  ['var o = {...a};', 'spread'],
  ['var a = [...b];', 'spread'],
  ['async function f() {}', 'async function'],
  ['var f = async () => 1;', 'async function'],
  ['async function f() { await g(); }', 'await'],
  ['function* g() { yield 1; }', 'generator'],
  ['var x = a?.b;', 'optional chaining'],
  ['var x = a ** 2;', 'exponent operator'],
  ['a **= 2;', 'exponent operator'],
  ['a ||= 1;', 'logical assignment'],
  ['a &&= 1;', 'logical assignment'],
  ['a ??= 1;', 'logical assignment'],
  ['var o = {[k]: 1};', 'computed key'],
  ['outer: for (;;) { break outer; }', 'label'],
  ['var s = tag`x`;', 'tagged template'],
  ['class A { #x = 1; }', 'private #field'],
  ['class A { x = 1; }', 'class field'],
  ['class E extends Error { constructor(m) { super(m); } }', 'class extends Error'],
  ['var m = new Map();', 'Map'],
  ['var s = new Set();', 'Set'],
  ['var w = new WeakMap();', 'WeakMap'],
  ['var s = Symbol("x");', 'Symbol'],
  ['var p = new Proxy({}, {});', 'Proxy'],
  ['Reflect.ownKeys(o);', 'Reflect'],
  ['var b = BigInt(1);', 'BigInt'],
  ['var b = 10n;', 'BigInt literal'],
  ['p.finally(f);', 'Promise.finally'],
  ['Promise.race([a]);', 'Promise.race'],
  ['Promise.allSettled([a]);', 'Promise.allSettled'],
  ['Number.isInteger(1);', 'Number.isInteger'],
  ['Math.trunc(1.5);', 'Math.trunc'],
  ['Array.from(x);', 'Array.from'],
  ['Object.hasOwn(o, "k");', 'Object.hasOwn'],
  ['[[1]].flat();', 'Array.prototype.flat'],
  ['/a(?=b)/.test(s);', 'regex lookahead'],
  ['/a(?!b)/.test(s);', 'regex lookahead'],
  ['JSON.parse(s, function (k, v) { return v; });', 'JSON.parse reviver'],
  ['JSON.stringify(o, ["a"]);', 'JSON.stringify replacer'],
];

describe('Espruino compatibility gate', () => {
  it.each(FORBIDDEN)('catches `%s` as %s', (source, construct) => {
    const violations = findEspruinoViolations(source);
    expect(violations.map((v) => v.construct).join(' | ')).toContain(construct);
    expect(violations[0]?.line).toBe(1);
  });

  it('names the line of each violation', () => {
    const violations = findEspruinoViolations('var a = 1;\nvar b = a ** 2;\nvar c = new Map();\n');
    expect(violations.map((v) => [v.line, v.construct])).toEqual([
      [2, 'exponent operator (**)'],
      [3, 'Map'],
    ]);
  });

  it('passes a file that uses only the constructs Espruino runs', () => {
    const allowed = `
      "use strict";
      const CONFIG = { pin: 0, debounce: 50 };
      let counter = 0;
      class Led { constructor(pin) { this.pin = pin; } get on() { return true; } static of(p) { return new Led(p); } }
      class Blink extends Led { constructor(pin) { super(pin); } }
      const f = (a, b) => a + b;
      const text = \`count \${counter}\`;
      for (const c of [1, 2, 3]) counter += c;
      for (const ch of "abc") counter += ch.length;
      const o = { f, text };
      const n = o.missing ?? 0;
      Promise.all([Promise.resolve(1)]).then((v) => v).catch((e) => e);
      const bytes = new Uint8Array(4); const view = new DataView(bytes.buffer);
      Object.assign({}, o); Object.keys(o); Object.entries(o);
      [1, 2].includes(1); [1, 2].find((x) => x > 1); "1".padStart(2, "0");
      JSON.stringify(o); JSON.parse("{}"); JSON.stringify(o, null, 2);
      var x = Math.floor(1.5); var err = new Error("plain errors are fine");
      var Map2 = 1; var obj = { Map: 1, Set: 2 }; obj.Map = 3;
      try { f(1, 2); } catch (e) { counter = 0; }
    `;
    expect(findEspruinoViolations(allowed)).toEqual([]);
  });

  it('does not flag a local variable that happens to be called Map', () => {
    expect(findEspruinoViolations('function f(Map) { return Map; }')).toEqual([]);
  });

  it('reports unparseable input instead of passing it', () => {
    expect(findEspruinoViolations('var = ;')[0]?.construct).toMatch(/unparseable/);
  });
});
