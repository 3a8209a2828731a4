/**
 * Attacks on the press path, through the running stack's broker:
 *   - a forged signature,
 *   - a replayed sequence number (a captured press re-sent after its order was cancelled; an
 *     old, never-used sequence number),
 *   - a device publishing as another device (on the other's topic; connecting under the other's
 *     client id; naming the other device inside its own topic; reading the other's acks).
 * Each is refused and orders nothing. Each test names the guard it depends on and how it was
 * checked that the test fails without it (edit the guard as described, run
 * `npx vitest run test/attacks`, see the test fail, restore).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackTopic, decodeAck, encodePress, type Press, pressTopic, signPress } from '#shared/index';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import { MemoryButtonStateStore } from '../../cloud/local/tools/virtual-button.ts';
import { fromButtonItem } from '../../cloud/store/dynamo/button-item.ts';
import { connectButton } from '../e2e/support.ts';
import { listen, mqttAs, startTarget, type Target } from './support.ts';

let t: Target;

beforeAll(async () => {
  t = await startTarget();
});

afterAll(async () => {
  await t?.close();
});

async function keyOf(deviceId: string): Promise<Uint8Array> {
  return (await t.stack.keySource.deviceKey(deviceId, 1)) as Uint8Array;
}

function press(key: Uint8Array, device: string, seq: number, click: Press['click'] = 'SINGLE') {
  return signPress(nodeSha256, key, { device, seq, click, battery_mv: 3000, attempt: 1, kv: 1 });
}

/**
 * Everything stored under the button's partition: its META item, press/order items, rejections.
 * A press committed on the button whose item has not followed its ack yet counts as stored.
 */
async function partition(deviceId: string) {
  const page = await t.stack.table.doc.send(
    new QueryCommand({
      TableName: t.stack.table.name,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `BTN#${deviceId}` },
      ConsistentRead: true,
    }),
  );
  const items = (page.Items ?? []) as Record<string, unknown>[];
  const meta = items.find((i) => i.sk === 'META');
  const button = meta ? fromButtonItem(meta) : null;
  const committed = [...(button?.open ?? []), ...(button?.recent ?? [])];
  const orderIds = items.filter((i) => i.type === 'order').map((i) => String(i.orderId));
  const pressSeqs = items.filter((i) => String(i.sk).startsWith('PRESS#')).map((i) => i.seq);
  const openIds = (button?.open ?? []).map((o) => o.orderId);
  return {
    hwm: meta?.hwm as number,
    orders: [...new Set([...orderIds, ...openIds])].sort(),
    presses: new Set([...pressSeqs, ...committed.map((c) => c.seq)]).size,
    rejections: items.filter((i) => String(i.sk).startsWith('REJ#')).map((i) => i.reason),
  };
}

const refusedLines = (reason: string, device: string) =>
  t.log.lines.filter(
    (l) => l.includes(`"reason":"${reason}"`) && l.includes(`"device":"${device}"`),
  ).length;

describe('attacks on the press path', () => {
  it('forged signature: refused (BAD_SIGNATURE), logged, no ack, no order, button untouched', async () => {
    // Guard: PressService.handle — `if (!verifyPress(...)) return this.refuse(..., 'BAD_SIGNATURE')`
    // (cloud/core/press/press-service.ts). Checked by replacing the condition with `false`: the
    // forged press is then ORDERED (an ack arrives, an order demo-2-1 exists) and this test fails.
    const device = 'demo-2';
    const { client, refused } = await mqttAs(t, device);
    expect(refused).toBeNull();
    try {
      await client.subscribeAsync(ackTopic(device), { qos: 1 });
      const before = await partition(device);
      const real = press(await keyOf(device), device, before.hwm + 1);
      const forgeries = [
        { ...real, sig: real.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
        press(new Uint8Array(32), device, before.hwm + 1), // a made-up key
        press(await keyOf('demo-1'), device, before.hwm + 1), // another device's key
        { ...real, seq: real.seq + 1 }, // a signed press with one field changed
      ];
      const acks = listen(client, ackTopic(device), 1_500);
      for (const forged of forgeries) {
        await client.publishAsync(pressTopic(device), encodePress(forged), { qos: 1 });
      }
      expect(await acks).toEqual([]);
      const after = await partition(device);
      expect(after.hwm).toBe(before.hwm);
      expect(after.orders).toEqual(before.orders);
      expect(after.presses).toBe(before.presses);
      expect(after.rejections.filter((r) => r === 'BAD_SIGNATURE')).toHaveLength(
        before.rejections.filter((r) => r === 'BAD_SIGNATURE').length + forgeries.length,
      );
      expect(refusedLines('BAD_SIGNATURE', device)).toBeGreaterThanOrEqual(forgeries.length);
    } finally {
      await client.endAsync(true);
    }
  });

  it('replayed sequence: a captured press re-sent after its order was cancelled orders nothing; an old unused sequence number is REJECTED (REPLAYED)', async () => {
    // Guards: PressService.settle — `if (v.press.seq <= button.highWaterMark) return
    // this.settleClaimed(...)`, with settleClaimed answering REPLAYED for a number never recorded,
    // and the claim's condition `#hwm = :read` (cloud/store/dynamo/dynamo-press-store.ts). Checked by
    // deleting the high-water-mark line: the old sequence number 7 is then ORDERED (order
    // demo-1-7) and this test fails. The exact replay is also held by the order's deterministic
    // key (a second order for demo-1/1 cannot be written).
    const device = 'demo-1';
    const state = new MemoryButtonStateStore();
    const button = await connectButton({
      dataDir: t.dataDir,
      deviceId: device,
      port: t.stack.runtime.mqttPort,
      state,
    });
    let first: Awaited<ReturnType<typeof button.press>>;
    try {
      first = await button.press('SINGLE');
      expect(first).toMatchObject({ outcome: 'ORDERED', orderId: `${device}-${first.seq}` });
      // The household cancels with a LONG press.
      expect((await button.press('LONG')).outcome).toBe('CANCELLED');
      // The counter jumps (a button may skip numbers): 3…9 are never used.
      await state.save(device, { seq: 9, pending: null });
      expect((await button.press('SINGLE')).seq).toBe(10);
    } finally {
      await button.close();
    }
    // The exact bytes of the first press, as captured on the wire (the press is deterministic).
    const captured = encodePress(press(await keyOf(device), device, first.seq));
    const before = await partition(device);
    expect(before.orders).toContain(`${device}-${first.seq}`);

    // The replaying party, authenticated on the device's own topic.
    const { client, refused } = await mqttAs(t, device);
    expect(refused).toBeNull();
    try {
      await client.subscribeAsync(ackTopic(device), { qos: 1 });
      // Replay the captured press: the answer repeats the original, no second order appears.
      const acks = listen(client, ackTopic(device), 1_500);
      await client.publishAsync(pressTopic(device), captured, { qos: 1 });
      const answers = (await acks).map((a) => decodeAck(a)).filter((d) => d.ok);
      for (const a of answers) {
        expect(a.ok && a.message).toMatchObject({
          seq: first.seq,
          order: `${device}-${first.seq}`,
        });
      }
      let after = await partition(device);
      expect(after.orders).toEqual(before.orders);
      expect(after.hwm).toBe(10);

      // A never-used older number, correctly signed: REJECTED (REPLAYED), nothing ordered.
      const old = listen(client, ackTopic(device), 1_500);
      await client.publishAsync(
        pressTopic(device),
        encodePress(press(await keyOf(device), device, 7)),
        { qos: 1 },
      );
      const oldAcks = (await old).map((a) => decodeAck(a)).filter((d) => d.ok);
      expect(oldAcks.map((a) => a.ok && [a.message.seq, a.message.outcome])).toEqual([
        [7, 'REJECTED'],
      ]);
      after = await partition(device);
      expect(after.orders).toEqual(before.orders);
      expect(after.orders).not.toContain(`${device}-7`);
      expect(after.hwm).toBe(10);
      expect(refusedLines('REPLAYED', device)).toBe(1);
    } finally {
      await client.endAsync(true);
    }
  });

  it('a device publishing as another device: refused by the broker and the pipeline, no order', async () => {
    // Guards: mayPublish/maySubscribe (cloud/local/iot/policy.ts: a device may publish only on its
    // own press topic and subscribe only to its own ack topic), the password check in
    // createBrokerPolicy (cloud/local/iot/broker.ts: the password derives from the client id's own
    // key), and the TOPIC_MISMATCH check in PressService.handle. Checked by making mayPublish
    // return true (the publish on demo-1's topic is accepted and the client is not
    // disconnected: this test fails), by making the password comparison always succeed (the
    // connection as demo-1 with demo-2's password is accepted: fails), by making maySubscribe
    // return true (demo-1's ack reaches demo-2: fails), and by deleting the TOPIC_MISMATCH check
    // (the press naming demo-1 on demo-2's topic is answered and recorded: fails).
    const victim = 'demo-1';
    const attacker = 'demo-2';
    const victimKey = await keyOf(victim);
    const attackerKey = await keyOf(attacker);
    const before = await partition(victim);

    // 1. On the victim's press topic: the broker refuses and disconnects, as AWS IoT does.
    {
      const { client, refused } = await mqttAs(t, attacker);
      expect(refused).toBeNull();
      const closed = new Promise<boolean>((resolve) => {
        client.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 3_000);
      });
      client.publish(
        pressTopic(victim),
        encodePress(press(attackerKey, victim, before.hwm + 1)),
        { qos: 1 },
        () => undefined,
      );
      expect(await closed).toBe(true);
      client.end(true);
      expect(
        t.log.lines.some(
          (l) =>
            l.startsWith('warn mqtt publish refused') &&
            l.includes(`"topic":"${pressTopic(victim)}"`),
        ),
      ).toBe(true);
    }

    // 2. Under the victim's client id with the attacker's own password: refused at CONNECT.
    {
      const { client, refused } = await mqttAs(t, victim, attacker);
      expect(refused).not.toBeNull();
      client.end(true);
    }

    // 3. Reading the victim's acks: the subscription is refused (SUBACK failure).
    {
      const { client } = await mqttAs(t, attacker);
      // mqtt.js turns a SUBACK failure (0x80) into a rejected promise.
      await expect(client.subscribeAsync(ackTopic(victim), { qos: 1 })).rejects.toThrow(
        /subscribe error/i,
      );
      await client.endAsync(true);
    }

    // 4. A press naming the victim, on the attacker's own topic, even one signed with the
    // victim's key (a stolen-key replay from another connection): TOPIC_MISMATCH, no order.
    {
      const { client } = await mqttAs(t, attacker);
      await client.subscribeAsync(ackTopic(attacker), { qos: 1 });
      const acks = listen(client, ackTopic(attacker), 1_500);
      const mismatchesBefore = refusedLines('TOPIC_MISMATCH', attacker);
      await client.publishAsync(
        pressTopic(attacker),
        encodePress(press(attackerKey, victim, before.hwm + 1)),
        { qos: 1 },
      );
      await client.publishAsync(
        pressTopic(attacker),
        encodePress(press(victimKey, victim, before.hwm + 1)),
        { qos: 1 },
      );
      expect(await acks).toEqual([]);
      expect(refusedLines('TOPIC_MISMATCH', attacker)).toBe(mismatchesBefore + 2);
      await client.endAsync(true);
    }

    const after = await partition(victim);
    expect(after.hwm).toBe(before.hwm);
    expect(after.orders).toEqual(before.orders);
  });
});
