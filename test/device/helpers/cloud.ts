/**
 * TEMPORARY stand-in for the real press handler, so the device scenarios can run before
 * cloud/'s createPressService lands. It follows DESIGN.md §2–§3 only as far as the button can
 * see: verify the press, answer a (device, seq) duplicate with the original ack, order at
 * most once per press, IN_PROGRESS while an order is open, LONG cancels, replays REJECTED.
 * Scenarios depend only on the CloudUnderTest interface: swap in the real stack (broker +
 * local topic rule + createPressService) behind it and delete this file.
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Aedes } from 'aedes';
import {
  ackTopic,
  decodePress,
  deriveDeviceKey,
  encodeAck,
  fromHex,
  type Outcome,
  parseTopic,
  signAck,
  toHex,
  verifyPress,
} from '#shared/index';
import { nodeSha256 } from '../../helpers/sha256.ts';

export interface CloudOrder {
  orderId: string;
  seq: number;
  click: string;
  status: 'PLACED' | 'CANCELLED';
}

export interface CloudPress {
  seq: number;
  click: string;
  attempt: number;
  battery_mv: number;
}

/** Decides whether an ack (JSON as it would be published) is lost on its way to the device. */
export type AckDropper = (ackJson: string, deliveryNumber: number) => boolean;

export interface CloudUnderTest {
  mqttPort: number;
  keyVersion: number;
  deviceSecret(deviceId: string): string;
  orders(deviceId: string): Promise<CloudOrder[]>;
  /** Every verified press received, duplicates included, in arrival order. */
  presses(deviceId: string): Promise<CloudPress[]>;
  setAckDropper(dropper: AckDropper | null): void;
  stop(): Promise<void>;
}

const MASTER_KEY = fromHex(
  '6d61737465722d6b65792d666f722d746573747321212121212121212121aa55',
) as Uint8Array;

interface DeviceState {
  highSeq: number;
  acks: { [seq: number]: string };
  orders: CloudOrder[];
  presses: CloudPress[];
}

export async function startTestCloud(): Promise<CloudUnderTest> {
  const keyVersion = 1;
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const devices: Record<string, DeviceState> = {};
  let dropper: AckDropper | null = null;
  let ackCount = 0;

  const keyOf = (device: string) => deriveDeviceKey(nodeSha256, MASTER_KEY, device, keyVersion);
  const stateOf = (device: string): DeviceState => {
    devices[device] ??= { highSeq: 0, acks: {}, orders: [], presses: [] };
    return devices[device];
  };

  const decide = (s: DeviceState, device: string, seq: number, click: string) => {
    const open = s.orders.filter((o) => o.status === 'PLACED');
    if (click === 'LONG') {
      const latest = open[open.length - 1];
      if (!latest) return { outcome: 'REJECTED' as Outcome };
      latest.status = 'CANCELLED';
      return { outcome: 'CANCELLED' as Outcome, order: latest.orderId };
    }
    if (open.length > 0) return { outcome: 'IN_PROGRESS' as Outcome };
    // DOUBLE is the button's second configured action: here, an order of its second product.
    const orderId = `${device}-${seq}`;
    s.orders.push({ orderId, seq, click, status: 'PLACED' });
    return { outcome: 'ORDERED' as Outcome, order: orderId };
  };

  const handlePress = (topic: string, payload: string) => {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'press') return;
    const decoded = decodePress(payload);
    if (!decoded.ok) return;
    const press = decoded.message;
    if (press.device !== parsed.deviceId || press.kv !== keyVersion) return;
    const key = keyOf(press.device);
    if (!verifyPress(nodeSha256, key, press)) return;
    const s = stateOf(press.device);
    s.presses.push({
      seq: press.seq,
      click: press.click,
      attempt: press.attempt,
      battery_mv: press.battery_mv,
    });
    let ack = s.acks[press.seq];
    if (ack === undefined) {
      const result =
        press.seq <= s.highSeq
          ? { outcome: 'REJECTED' as Outcome }
          : decide(s, press.device, press.seq, press.click);
      s.highSeq = Math.max(s.highSeq, press.seq);
      ack = encodeAck(
        signAck(nodeSha256, key, {
          device: press.device,
          seq: press.seq,
          kv: keyVersion,
          ...result,
        }),
      );
      s.acks[press.seq] = ack;
    }
    ackCount++;
    if (dropper?.(ack, ackCount)) return;
    broker.publish(
      {
        cmd: 'publish',
        topic: ackTopic(press.device),
        payload: Buffer.from(ack),
        qos: 1,
        retain: false,
        dup: false,
      },
      () => {},
    );
  };

  broker.on('publish', (packet, client) => {
    if (client) handlePress(packet.topic, packet.payload.toString());
  });

  return {
    mqttPort: (server.address() as AddressInfo).port,
    keyVersion,
    deviceSecret: (device) => toHex(keyOf(device)),
    orders: async (device) => stateOf(device).orders.map((o) => ({ ...o })),
    presses: async (device) => stateOf(device).presses.slice(),
    setAckDropper: (d) => {
      dropper = d;
      ackCount = 0;
    },
    stop: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
