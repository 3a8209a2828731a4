/**
 * The local stack's log: one readable line per event on the console. Callers never pass
 * secrets (passwords, keys, signatures); this adapter adds nothing but time and level.
 */
import type { Log } from '../core/ports.ts';

export function createConsoleLog(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  clock: () => Date = () => new Date(),
): Log {
  const line = (level: string, message: string, data?: Record<string, unknown>) => {
    const time = clock().toISOString().slice(11, 23);
    const fields = data
      ? Object.entries(data)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ')
      : '';
    write(`${time} ${level.padEnd(5)} ${message}${fields ? ` ${fields}` : ''}`);
  };
  return {
    info: (message, data) => line('info', message, data),
    warn: (message, data) => line('warn', message, data),
    error: (message, data) => line('error', message, data),
  };
}

const LEVELS = { info: 0, warn: 1, error: 2 } as const;

/**
 * Drops lines below `level` (RESTOCK_LOG_LEVEL: info, the default, warn or error). The soak runs
 * the stack at warn: 100 000 presses are reconciled from the store, not from the console.
 */
export function atLevel(log: Log, level: string | undefined): Log {
  const min = LEVELS[(level ?? 'info') as keyof typeof LEVELS] ?? 0;
  const off = () => {};
  return {
    info: min <= 0 ? log.info : off,
    warn: min <= 1 ? log.warn : off,
    error: log.error,
  };
}
