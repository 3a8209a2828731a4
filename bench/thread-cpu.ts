/**
 * CPU time of this process's main thread, from /proc (Linux). The bench's rows run on that
 * thread (handler, SDK client and dynalite alike), so its time per press is what bounds a row's
 * peak — and, unlike the peak, it hardly moves when other programs share the cores. The
 * process-wide figure would also count the garbage collector's helper threads, which run beside.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Milliseconds of CPU the main thread has used so far, or null where /proc does not say. */
export function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return null;
    return (userTicks + systemTicks) * TICK_MS;
  } catch {
    return null;
  }
}
