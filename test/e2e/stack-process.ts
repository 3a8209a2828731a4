/**
 * `npm start` as its own process (the real entry point, cloud/local/main.ts) on given ports and
 * data folder, with its output kept for failure messages. Every process started here is
 * SIGKILLed by stopAll() if a test left it running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUNTIME_FILE, type RuntimeInfo } from '../../cloud/local/stack.ts';

export interface StackProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: StackProcess[] = [];

/** ports: MQTT, MQTT over TLS, HTTP. */
export function startStackProcess(
  dataDir: string,
  ports: number[],
  env: Record<string, string> = {},
): StackProcess {
  const [mqtt, mqtts, http] = ports as [number, number, number];
  const child = spawn(
    process.execPath,
    [
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
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  const output: string[] = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const stack = { child, output, exited };
  running.push(stack);
  return stack;
}

/** Waits for the stack.json this very process wrote (a killed one leaves its own behind). */
export async function runtimeOf(dataDir: string, stack: StackProcess): Promise<RuntimeInfo> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (stack.child.exitCode !== null || stack.child.signalCode !== null) {
      throw new Error(`stack exited early:\n${stack.output.join('')}`);
    }
    try {
      const info = JSON.parse(await readFile(join(dataDir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
      if (info.pid === stack.child.pid) return info;
    } catch {
      // not written yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`stack did not start:\n${stack.output.join('')}`);
}

export async function stopAll(): Promise<void> {
  for (const stack of running) stack.child.kill('SIGKILL');
  await Promise.all(running.splice(0).map((s) => s.exited));
}
