/**
 * `npm start` as a child process on fixed ports and a data folder, as the durability test runs
 * it: so the soak can SIGKILL it, start it again on the same folder and ports, ask it to restart
 * its broker (SIGUSR2), and watch its memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUNTIME_FILE, type RuntimeInfo } from '../../cloud/local/stack.ts';

export interface StackProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node --import tsx cloud/local/main.ts` with its console log appended to `logFile`
 * (a file, not a pipe: the soak process must not spend its core parsing 100 000 log lines).
 */
export function startStackProcess(
  dataDir: string,
  ports: readonly number[],
  logFile: string,
  extraArgs: readonly string[] = [],
  env: Record<string, string> = {},
): StackProcess {
  const [mqtt, mqtts, http] = ports as [number, number, number];
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      // e.g. SOAK_STACK_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile the stack.
      ...(process.env.SOAK_STACK_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      'cloud/local/main.ts',
      '--data-dir',
      dataDir,
      '--mqtt-port',
      String(mqtt),
      '--mqtts-port',
      String(mqtts),
      '--http-port',
      String(http),
      ...extraArgs,
    ],
    {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    },
  );
  closeSync(fd);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited };
}

/** Waits for the stack.json this very process wrote (a killed one leaves its own behind). */
export async function runtimeOf(
  dataDir: string,
  stack: StackProcess,
  logFile: string,
  timeoutMs = 120_000,
): Promise<RuntimeInfo> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stack.child.exitCode !== null) {
      throw new Error(`the stack exited early; its log:\n${await tail(logFile)}`);
    }
    try {
      const info = JSON.parse(await readFile(join(dataDir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
      if (info.pid === stack.child.pid) return info;
    } catch {
      // not written yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the stack did not start in ${timeoutMs} ms; its log:\n${await tail(logFile)}`);
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-40).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Resident memory of a process in MiB from /proc: current, the kernel's high-water mark, and the
 * anonymous part (heaps and native allocations; the rest is mapped files, mostly LevelDB's tables,
 * which the kernel can drop and read again).
 */
export async function rssOf(
  pid: number,
): Promise<{ rssMb: number; hwmMb: number; anonMb: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    const anon = kb('RssAnon');
    if (!Number.isFinite(rss)) return null;
    return {
      rssMb: rss / 1024,
      hwmMb: Number.isFinite(hwm) ? hwm / 1024 : rss / 1024,
      anonMb: Number.isFinite(anon) ? anon / 1024 : rss / 1024,
    };
  } catch {
    return null; // not Linux, or the process is gone
  }
}
