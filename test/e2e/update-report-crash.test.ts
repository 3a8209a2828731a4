/**
 * A button's update report against SIGKILL: `npm start` is killed after the report is written
 * but before its rollout counted it, or after the rollout counted it but before the outbox mark
 * was cleared (RESTOCK_CRASH_AT makes it kill itself exactly there), then started again on the
 * same data folder and ports. The button does not repeat its report. Afterwards the rollout
 * counts it exactly once and nothing waits in the outbox.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { jobUpdateTopic, UpdateFlag } from '#shared/index';
import { LocalIssuer } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { UPDATE_REPORT_STEPS } from '../../cloud/local/crash-points.ts';
import { DEMO } from '../../cloud/local/demo.ts';
import type { RuntimeInfo } from '../../cloud/local/stack.ts';
import { DynamoUpdateAssignmentStore } from '../../cloud/store/dynamo/dynamo-ota-stores.ts';
import { openTable } from '../../cloud/store/dynamo/table.ts';
import { runtimeOf, startStackProcess, stopAll } from './stack-process.ts';
import { connectButton, freePorts, tempDir } from './support.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await stopAll();
});

async function brandApi(dataDir: string, runtime: RuntimeInfo) {
  const token = await (await LocalIssuer.open(dataDir, systemClock)).sign({
    role: 'brand',
    tenant: DEMO.brandId,
  });
  return async (method: string, path: string, body?: Uint8Array | object) => {
    const binary = body instanceof Uint8Array;
    const response = await fetch(`http://127.0.0.1:${runtime.httpPort}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body
          ? { 'content-type': binary ? 'application/octet-stream' : 'application/json' }
          : {}),
      },
      body: body ? (binary ? body : JSON.stringify(body)) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the assertions check its shape
    return { status: response.status, body: (await response.json()) as any };
  };
}

/** Polls the restarted stack until the outbox holds no report; returns the rollout's tally. */
async function settledTally(runtime: RuntimeInfo, dataDir: string, rolloutId: string) {
  const api = await brandApi(dataDir, runtime);
  const table = openTable({ tableName: 'restock', endpoint: runtime.dynamodbEndpoint });
  try {
    const outbox = new DynamoUpdateAssignmentStore(table, systemClock);
    const deadline = Date.now() + 60_000;
    while ((await outbox.unappliedReports(10)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await outbox.unappliedReports(10)).toEqual([]);
    return (await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body.tally;
  } finally {
    table.raw.destroy();
  }
}

describe('npm start killed between an update report and its rollout', () => {
  it.each(UPDATE_REPORT_STEPS)(
    'SIGKILL at %s, restart: the report is counted once, none lost',
    async (step) => {
      const data = await tempDir();
      cleanups.push(data.remove);
      const ports = await freePorts(3);
      const first = startStackProcess(data.dir, ports, { RESTOCK_CRASH_AT: step });
      const runtime = await runtimeOf(data.dir, first);
      const api = await brandApi(data.dir, runtime);
      expect((await api('PUT', '/v1/brand/firmware/2', new Uint8Array(1500).fill(65))).status).toBe(
        201,
      );
      // Every demo button at once, and a threshold no single report reaches.
      const created = await api('POST', '/v1/brand/rollouts', {
        fw: 2,
        stages: [100],
        failurePct: 100,
        minFinished: 100,
      });
      expect(created.body).toMatchObject({ assigned: 3, tally: { pending: 3 } });
      const job = created.body.rolloutId as string;

      const button = await connectButton({
        dataDir: data.dir,
        deviceId: DEMO.buttons.coffee,
        port: runtime.mqttPort,
        firmware: { fw: 1, cfg: 0 },
      });
      cleanups.push(button.close);
      const { ack } = await button.press('SINGLE');
      expect((ack.upd ?? 0) & UpdateFlag.FIRMWARE).toBe(UpdateFlag.FIRMWARE);
      // The new firmware's result, sent once (its PUBACK came: the button will not repeat it).
      await button.transport.publish(
        jobUpdateTopic(DEMO.buttons.coffee, job),
        JSON.stringify({ status: 'SUCCEEDED', statusDetails: { state: 'switched', fw: '2' } }),
      );
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(first.output.join('')).toContain(`crash point ${step}: SIGKILL`);

      const second = startStackProcess(data.dir, ports);
      const restarted = await runtimeOf(data.dir, second);
      expect(await settledTally(restarted, data.dir, job)).toMatchObject({
        switched: 1,
        pending: 2,
      });

      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    },
    180_000,
  );
});
