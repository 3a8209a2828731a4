/** Display helpers in the console's language: money, times, battery, days. */
import { everyDays as everyDaysIn } from '../../core/notifications/texts.ts';
import { locale, t } from './i18n.ts';

export function money(cents: number | null | undefined, currency: string): string {
  if (cents === null || cents === undefined) return '—';
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return t().never;
  return new Date(ms).toLocaleString(locale() === 'en' ? 'en-GB' : locale(), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A calendar date in words: "3 March 2026" / "3 mars 2026". */
export function date(ms: number): string {
  return new Date(ms).toLocaleDateString(locale() === 'en' ? 'en-GB' : locale(), {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

/** "every 20 days" / "tous les 20 jours", as the notifications say it. */
export function everyDays(days: number): string {
  return everyDaysIn(days, locale());
}

export function percent(pct: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(
    pct / 100,
  );
}

export function timeLeft(deadline: number, now = Date.now()): string {
  const ms = deadline - now;
  if (ms <= 0) return t().windowClosed;
  const s = Math.ceil(ms / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return t().hoursLeft(h, m % 60);
  if (m > 0) return t().minutesLeft(m, s % 60);
  return t().secondsLeft(s);
}

export function battery(mv: number | null | undefined): string {
  if (mv === null || mv === undefined) return t().unknown;
  const volts = new Intl.NumberFormat(locale(), {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(mv / 1000);
  return mv < 3300 ? `${volts} V (${t().low})` : `${volts} V`;
}

/** The day an epoch-ms time falls on, as YYYY-MM-DD in UTC. */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
