/** Minutes past local midnight in an IANA time zone, through Intl (no time-zone tables here). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** "HH:MM" on the wall clock of `timeZone` at `at`. */
export function wallClock(at: number, timeZone: string): string {
  return formatterFor(timeZone).format(at);
}

export function localMinuteOfDay(at: number, timeZone: string): number {
  return minuteOf(wallClock(at, timeZone));
}

/** "22:00" → 1320. */
export function minuteOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** True when `minute` lies in [from, to), a window that may wrap past midnight. */
export function inWindow(minute: number, from: number, to: number): boolean {
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}
