/** Display helpers: money, times, battery, order status. */

export function money(cents: number | null | undefined, currency: string): string {
  if (cents === null || cents === undefined) return '—';
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'never';
  return new Date(ms).toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function timeLeft(deadline: number, now = Date.now()): string {
  const ms = deadline - now;
  if (ms <= 0) return 'window closed';
  const s = Math.ceil(ms / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return `${h} h ${m % 60} min left`;
  if (m > 0) return `${m} min ${s % 60} s left`;
  return `${s} s left`;
}

export function battery(mv: number | null | undefined): string {
  if (mv === null || mv === undefined) return 'unknown';
  const low = mv < 3300;
  return `${(mv / 1000).toFixed(2)} V${low ? ' (low)' : ''}`;
}

/** The day an epoch-ms time falls on, as YYYY-MM-DD in UTC. */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
