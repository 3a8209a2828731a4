/**
 * The local stack's log: one readable line per event on the console. Callers never pass
 * secrets (passwords, keys, signatures); this adapter adds nothing but time and level.
 *
 * Values often come from the network before anyone is authenticated (client ids, topics, TLS
 * error text), so every message and value is escaped and truncated here, in one place: no input
 * can start a line of its own or fill the console.
 */
import type { Log } from '../core/ports.ts';

/** Longest value written; a client id may be 64 KB long, a thing name is at most 128 bytes. */
export const MAX_LOG_VALUE_CHARS = 200;

export function createConsoleLog(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  clock: () => Date = () => new Date(),
): Log {
  const line = (level: string, message: string, data?: Record<string, unknown>) => {
    const time = clock().toISOString().slice(11, 23);
    const fields = data
      ? Object.entries(data)
          .map(
            ([k, v]) => `${logSafe(k)}=${logSafe(typeof v === 'string' ? v : JSON.stringify(v))}`,
          )
          .join(' ')
      : '';
    write(
      `${time} ${level.padEnd(5)} ${message.replace(CONTROLS, escapeControl)}${fields ? ` ${fields}` : ''}`,
    );
  };
  return {
    info: (message, data) => line('info', message, data),
    warn: (message, data) => line('warn', message, data),
    error: (message, data) => line('error', message, data),
  };
}

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// What must be quoted so that a value cannot pose as a further `key=value` field.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const NEEDS_QUOTES = /[\s"=\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const escapeControl = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * One log value as text that stays on its line and in its field: trailing whitespace dropped (TLS
 * errors end in a newline), cut to MAX_LOG_VALUE_CHARS, and quoted with escapes (JSON string
 * syntax) when it holds spaces, quotes, `=` or control characters.
 */
export function logSafe(value: string | undefined): string {
  if (value === undefined) return 'undefined';
  const trimmed = value.trimEnd();
  const cut =
    trimmed.length > MAX_LOG_VALUE_CHARS
      ? `${trimmed.slice(0, MAX_LOG_VALUE_CHARS)}…(${trimmed.length} chars)`
      : trimmed;
  return NEEDS_QUOTES.test(cut) ? JSON.stringify(cut).replace(CONTROLS, escapeControl) : cut;
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
