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
