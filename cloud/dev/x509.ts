/**
 * Loads @peculiar/x509 on Node's WebCrypto. Its dependency tsyringe insists on a Reflect metadata
 * polyfill being present at import time; the library only stores and reads metadata, so a small
 * WeakMap-backed stand-in is installed first instead of adding a dependency.
 */
import { webcrypto } from 'node:crypto';

type X509Module = typeof import('@peculiar/x509');

let loaded: Promise<X509Module> | undefined;

export function loadX509(): Promise<X509Module> {
  loaded ??= (async () => {
    installReflectMetadata();
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return loaded;
}

function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  if (typeof reflect.getMetadata === 'function') return;
  const store = new WeakMap<object, Map<unknown, unknown>>();
  const get = (key: unknown, target: object) => store.get(target)?.get(key);
  // Own metadata only: the library never defines metadata on prototypes it inherits from.
  reflect.getMetadata = get;
  reflect.getOwnMetadata = get;
  reflect.defineMetadata = (key: unknown, value: unknown, target: object) => {
    let entries = store.get(target);
    if (!entries) {
      entries = new Map();
      store.set(target, entries);
    }
    entries.set(key, value);
  };
}
