/**
 * Wraps a store so that its k-th call fails — either before the call reaches the store or after
 * the store has done it (the response is lost), the two ways a handler dies between calls.
 */
export type CrashMode = 'before' | 'after';

export class CrashSwitch {
  calls = 0;
  crashAt = 0;
  mode: CrashMode = 'before';

  arm(k: number, mode: CrashMode): void {
    this.calls = 0;
    this.crashAt = k;
    this.mode = mode;
  }

  disarm(): void {
    this.crashAt = 0;
  }

  wrap<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (object, property, receiver) => {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          this.calls++;
          const crash = this.calls === this.crashAt;
          if (crash && this.mode === 'before')
            throw new Error(`injected crash before call ${this.calls}`);
          const result = await value.apply(object, args);
          if (crash) throw new Error(`injected crash after call ${this.calls}`);
          return result;
        };
      },
    });
  }
}
