/**
 * Virtual buttons taking a firmware update over the real broker, speaking what the firmware
 * speaks (device/src/updater.ts): a signed version 2 press whose verified ack carries the
 * FIRMWARE bit; the signed manifest fetched and verified with the button's own key; the image
 * fetched block by block on the MQTT file-delivery topics and checked against the manifest's
 * SHA-256; progress and result on the job's Jobs topic. After the switch the button "reboots":
 * a working image presses again from the new firmware and reports SUCCEEDED/switched; a broken
 * one never reaches the cloud, the loader falls back, and the old firmware reports
 * FAILED/rolled_back. Each report waits for the Jobs `accepted` answer, so it is recorded.
 * As the firmware does, a button gives up for this wake when an answer does not come or is
 * refused (an abort withdrew its update meanwhile, or the stack is slow): it tries again at its
 * next wake if its ack still says an update waits.
 */
import { createHash } from 'node:crypto';
import {
  type Ack,
  decodeManifest,
  jobUpdateTopic,
  type Manifest,
  manifestGetTopic,
  manifestTopic,
  streamDataTopic,
  streamGetTopic,
  streamRejectedTopic,
  thingTopic,
  UpdateFlag,
  verifyManifest,
} from '#shared/index';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import type { RunningStack } from '../../cloud/local/stack.ts';
import {
  type ButtonTransport,
  MemoryButtonStateStore,
} from '../../cloud/local/tools/virtual-button.ts';
import { type ConnectedButton, connectButton, deviceKeyIn } from '../e2e/support.ts';
import type { UpdateChannel } from './virtual-fleet.ts';

/** How long a press's ack may take on a loaded machine. */
const ACK_MS = 20_000;
/** How long one update step waits for its answer before the button gives up for this wake. */
const STEP_MS = 10_000;

/** This wake's share of the update ends without a result (no answer, or refused). */
class GaveUp extends Error {}

export interface MqttUpdateChannelOptions {
  stack: RunningStack;
  dataDir: string;
  /** The firmware every button runs before the update. */
  fromFw: number;
}

export interface MqttUpdateChannel extends UpdateChannel {
  /** The last verified ack each button got, by device id. */
  readonly lastAck: Map<string, Ack>;
}

/** Messages of one connection, awaited by topic and content. */
class Inbox {
  private readonly waiting: {
    match: (topic: string, payload: string) => boolean;
    resolve: (payload: string) => void;
  }[] = [];

  constructor(transport: ButtonTransport) {
    transport.onMessage((topic, payload) => {
      const i = this.waiting.findIndex((w) => w.match(topic, payload));
      if (i >= 0) this.waiting.splice(i, 1)[0]?.resolve(payload);
    });
  }

  /** Registers before the request goes out, so a fast answer is not missed. */
  expect(match: (topic: string, payload: string) => boolean, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new GaveUp(`no answer: ${what}`)), STEP_MS);
      this.waiting.push({
        match,
        resolve: (payload) => {
          clearTimeout(timer);
          resolve(payload);
        },
      });
    });
  }
}

export function mqttUpdateChannel(options: MqttUpdateChannelOptions): MqttUpdateChannel {
  const { stack, dataDir, fromFw } = options;
  const state = new MemoryButtonStateStore();
  const lastAck = new Map<string, Ack>();
  const keys = new Map<string, Uint8Array>();
  const keyOf = async (deviceId: string) => {
    const key = keys.get(deviceId) ?? (await deviceKeyIn(dataDir, deviceId));
    keys.set(deviceId, key);
    return key;
  };

  /** One wake: connect, press, believe only a verified ack (VirtualButton checks it). */
  const wake = async (deviceId: string, fw: number) => {
    const button = await connectButton({
      dataDir,
      deviceId,
      port: stack.runtime.mqttPort,
      state,
      ackTimeoutMs: ACK_MS,
      firmware: { fw, cfg: 0 },
    });
    const inbox = new Inbox(button.transport);
    try {
      const { ack } = await button.press('SINGLE');
      lastAck.set(deviceId, ack);
      return { button, inbox, ack };
    } catch (error) {
      await button.close();
      throw error;
    }
  };

  const report = async (
    session: { button: ConnectedButton; inbox: Inbox },
    deviceId: string,
    job: string,
    status: string,
    details: Record<string, string>,
  ) => {
    const answer = thingTopic(deviceId, `jobs/${job}/update/`);
    await session.button.transport.subscribe(`${answer}accepted`);
    await session.button.transport.subscribe(`${answer}rejected`);
    const answered = session.inbox.expect(
      (topic) => topic.startsWith(answer),
      `${deviceId} ${status}`,
    );
    await session.button.transport.publish(
      jobUpdateTopic(deviceId, job),
      JSON.stringify({ status, statusDetails: details }),
    );
    if (!(await answered).includes('timestamp')) throw new GaveUp(`${deviceId}: report refused`);
  };

  const download = async (
    session: { button: ConnectedButton; inbox: Inbox },
    deviceId: string,
  ): Promise<Manifest> => {
    const { button, inbox } = session;
    await button.transport.subscribe(manifestTopic(deviceId));
    const sent = inbox.expect((topic) => topic === manifestTopic(deviceId), `${deviceId} manifest`);
    await button.transport.publish(manifestGetTopic(deviceId), '{}');
    const decoded = decodeManifest(await sent);
    if (!decoded.ok) throw new Error(`${deviceId}: manifest refused (${decoded.reason})`);
    const manifest = decoded.message;
    if (
      manifest.device !== deviceId ||
      !verifyManifest(nodeSha256, await keyOf(deviceId), manifest)
    ) {
      throw new Error(`${deviceId}: manifest signature does not check out`);
    }
    const data = streamDataTopic(deviceId, manifest.stream);
    const rejected = streamRejectedTopic(deviceId, manifest.stream);
    await button.transport.subscribe(data);
    await button.transport.subscribe(rejected);
    const blocks: Buffer[] = [];
    for (let i = 0; i * manifest.block < manifest.size; i++) {
      const token = `${i}`;
      const block = inbox.expect(
        (topic, payload) =>
          (topic === data || topic === rejected) &&
          (JSON.parse(payload) as { c: string }).c === token,
        `${deviceId} block ${i}`,
      );
      await button.transport.publish(
        streamGetTopic(deviceId, manifest.stream),
        JSON.stringify({ c: token, f: 0, l: manifest.block, o: i, n: 1 }),
      );
      const answer = JSON.parse(await block) as { p?: string; o?: string };
      if (answer.p === undefined) throw new GaveUp(`${deviceId}: block ${i} refused (${answer.o})`);
      blocks.push(Buffer.from(answer.p, 'base64'));
      if (i === 0) {
        await report(session, deviceId, manifest.job, 'IN_PROGRESS', {
          state: 'downloading',
          fw: `${manifest.fw}`,
          block: '1',
        });
      }
    }
    const image = Buffer.concat(blocks);
    const sha256 = createHash('sha256').update(image).digest('hex');
    if (image.length !== manifest.size || sha256 !== manifest.sha256) {
      throw new Error(`${deviceId}: the image does not match the manifest's SHA-256`);
    }
    return manifest;
  };

  return {
    lastAck,
    async wake(deviceId) {
      const session = await wake(deviceId, fromFw);
      if (!((session.ack.upd ?? 0) & UpdateFlag.FIRMWARE)) {
        await session.button.close();
        return null;
      }
      return {
        async finish(failed) {
          let manifest: Manifest;
          try {
            manifest = await download(session, deviceId);
            await report(session, deviceId, manifest.job, 'IN_PROGRESS', {
              state: 'verifying',
              fw: `${manifest.fw}`,
            });
          } catch (error) {
            if (error instanceof GaveUp) return false;
            throw error;
          } finally {
            await session.button.close();
          }
          // The reboot: the new image on trial proves itself with a verified ack, or the loader
          // falls back to the old slot (NO_ACK, as device/src/loader.ts reports it), whose
          // firmware reports the rollback when it connects.
          const trial = await wake(deviceId, failed ? fromFw : manifest.fw);
          try {
            await report(
              trial,
              deviceId,
              manifest.job,
              failed ? 'FAILED' : 'SUCCEEDED',
              failed
                ? { state: 'rolled_back', fw: `${manifest.fw}`, reason: 'NO_ACK' }
                : { state: 'switched', fw: `${manifest.fw}` },
            );
          } finally {
            await trial.button.close();
          }
          return true;
        },
      };
    },
  };
}
