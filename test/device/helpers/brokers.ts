/** Real MQTT brokers on free loopback ports: aedes in-process, Debian's mosquitto as a child. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Aedes } from 'aedes';
import { freePorts } from '../../../cloud/local/tools/free-ports.ts';

export interface Broker {
  name: string;
  port: number;
  stop(): Promise<void>;
}

export async function startAedes(): Promise<Broker> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name: 'aedes',
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The mosquitto binary (Debian installs it in /usr/sbin, often not on a user's PATH). */
export function mosquittoBinary(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/local/sbin']);
  for (const dir of dirs) {
    const candidate = join(dir, 'mosquitto');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('mosquitto did not start listening');
}

export async function startMosquitto(): Promise<Broker> {
  const binary = mosquittoBinary();
  if (!binary) throw new Error('mosquitto not installed: apt-get install -y mosquitto');
  const dir = mkdtempSync(join(tmpdir(), 'restock-mosquitto-'));
  const [port] = (await freePorts(1)) as [number];
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child = spawn(binary, ['-c', config], { stdio: 'ignore' });
  await waitForPort(port, child);
  return {
    name: 'mosquitto',
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
