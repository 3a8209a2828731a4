/**
 * Serves what a button asks for while it is awake: the signed manifest of its update, the
 * blocks of the image (MQTT-based file delivery JSON shapes), its job progress (Jobs update
 * shapes) and its settings (Device Shadow shapes). In AWS the IoT services answer the reserved
 * topics themselves; on one machine the local stack runs this on its broker. Every request is
 * answered only from the asking button's own assignment: a button cannot read another brand's
 * image or another button's settings.
 */
import {
  encodeManifest,
  manifestTopic,
  parseDeliveryTopic,
  type Sha256,
  shadowGetAcceptedTopic,
  signManifest,
  streamDataTopic,
  streamRejectedTopic,
  thingTopic,
} from '#shared/index';
import type { ButtonStore } from '../fleet/button-store.ts';
import type { Clock, KeySource, Log } from '../ports.ts';
import { isTerminal, UPDATE_STATES } from './pending.ts';
import type {
  DesiredSettingsStore,
  FirmwareImageStore,
  ReportedSettings,
  UpdateAssignmentStore,
  UpdateReported,
  UpdateState,
} from './ports.ts';

/** The most blocks one stream request may ask for (AWS IoT allows more; buttons ask for one). */
const MAX_BLOCKS_PER_REQUEST = 8;

export interface DeliveryPublisher {
  publish(topic: string, payload: string): Promise<void>;
}

export interface UpdateDeliveryDeps {
  buttons: Pick<ButtonStore, 'getButton'>;
  images: FirmwareImageStore;
  assignments: UpdateAssignmentStore;
  settings: DesiredSettingsStore;
  keys: KeySource;
  sha256: Sha256;
  publisher: DeliveryPublisher;
  /** Receives each accepted progress report (`update.reported`). */
  reported(event: UpdateReported): Promise<void>;
  clock: Clock;
  log: Log;
}

function parseJson(payload: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export class UpdateDelivery {
  constructor(private readonly deps: UpdateDeliveryDeps) {}

  /** One message a button published on a delivery topic; anything else is ignored. */
  async handle(topic: string, payload: string): Promise<void> {
    const request = parseDeliveryTopic(topic);
    if (!request) return;
    const body = parseJson(payload);
    const { deviceId } = request;
    if (!body) {
      this.deps.log.warn('delivery request refused', { deviceId, topic, reason: 'MALFORMED' });
      return;
    }
    switch (request.kind) {
      case 'manifest/get':
        return this.sendManifest(deviceId);
      case 'stream/get':
        return this.sendBlocks(deviceId, request.stream, body);
      case 'job/update':
        return this.recordProgress(deviceId, request.job, body);
      case 'shadow/get':
        return this.sendSettings(deviceId);
      case 'shadow/update':
        return this.recordSettings(deviceId, body);
    }
  }

  private async activeImage(deviceId: string) {
    const assignment = await this.deps.assignments.get(deviceId);
    if (!assignment || isTerminal(assignment.state)) return null;
    const button = await this.deps.buttons.getButton(deviceId);
    if (!button) return null;
    const image = await this.deps.images.get(button.brandId, assignment.fw);
    return image ? { assignment, button, image } : null;
  }

  async sendManifest(deviceId: string): Promise<void> {
    const active = await this.activeImage(deviceId);
    if (!active) return;
    const { assignment, button, image } = active;
    const key = await this.deps.keys.deviceKey(deviceId, button.keyVersion);
    if (!key) return;
    const manifest = signManifest(this.deps.sha256, key, {
      device: deviceId,
      job: assignment.job,
      fw: image.fw,
      size: image.size,
      sha256: image.sha256,
      stream: image.stream,
      block: image.block,
      kv: button.keyVersion,
    });
    await this.deps.publisher.publish(manifestTopic(deviceId), encodeManifest(manifest));
  }

  async sendBlocks(deviceId: string, stream: string, body: Record<string, unknown>): Promise<void> {
    const token = typeof body.c === 'string' ? body.c.slice(0, 64) : '';
    const first = body.o;
    const count = body.n;
    const refuse = (code: string) =>
      this.deps.publisher.publish(
        streamRejectedTopic(deviceId, stream),
        JSON.stringify({ c: token, o: code, m: `stream request refused: ${code}` }),
      );
    const active = await this.activeImage(deviceId);
    if (!active || active.image.stream !== stream) return refuse('ResourceNotFound');
    if (
      typeof first !== 'number' ||
      typeof count !== 'number' ||
      !Number.isInteger(first) ||
      !Number.isInteger(count) ||
      first < 0 ||
      count < 1 ||
      count > MAX_BLOCKS_PER_REQUEST ||
      (body.l !== undefined && body.l !== active.image.block)
    ) {
      return refuse('InvalidRequest');
    }
    for (let i = first; i < first + count; i++) {
      const block = await this.deps.images.readBlock(stream, i);
      if (!block) return i === first ? refuse('BlockOutOfRange') : undefined;
      await this.deps.publisher.publish(
        streamDataTopic(deviceId, stream),
        JSON.stringify({
          c: token,
          f: 0,
          l: block.length,
          i,
          p: Buffer.from(block).toString('base64'),
        }),
      );
    }
  }

  async recordProgress(
    deviceId: string,
    job: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const details = (body.statusDetails ?? {}) as Record<string, unknown>;
    const state = details.state as UpdateState;
    const answer = (ok: boolean) =>
      this.deps.publisher.publish(
        thingTopic(deviceId, `jobs/${job}/update/${ok ? 'accepted' : 'rejected'}`),
        JSON.stringify(
          ok
            ? { timestamp: Math.floor(this.deps.clock.now() / 1000) }
            : { code: 'InvalidStateTransition' },
        ),
      );
    if (!UPDATE_STATES.includes(state) || state === 'pending') return answer(false);
    const block = Number(details.block);
    const reason = typeof details.reason === 'string' ? details.reason.slice(0, 32) : undefined;
    const written = await this.deps.assignments.report(deviceId, job, state, {
      ...(Number.isInteger(block) ? { block } : {}),
      ...(reason ? { reason } : {}),
    });
    if (!written) {
      // A repeated or stale report (the button re-sends until its PUBACK): nothing changes.
      this.deps.log.info('update report ignored', { deviceId, job, state });
      return answer(false);
    }
    this.deps.log.info('update reported', { deviceId, job, fw: written.fw, state, reason });
    await this.deps.reported({
      deviceId,
      job,
      fw: written.fw,
      state,
      ...(reason ? { reason } : {}),
      at: written.updatedAt,
    });
    await answer(true);
  }

  async sendSettings(deviceId: string): Promise<void> {
    const desired = await this.deps.settings.getDesired(deviceId);
    const topic = shadowGetAcceptedTopic(deviceId);
    if (!desired) {
      await this.deps.publisher.publish(
        thingTopic(deviceId, 'shadow/get/rejected'),
        JSON.stringify({ code: 404, message: 'No shadow exists' }),
      );
      return;
    }
    await this.deps.publisher.publish(
      topic,
      JSON.stringify({ state: { desired: desired.settings }, version: desired.version }),
    );
  }

  async recordSettings(deviceId: string, body: Record<string, unknown>): Promise<void> {
    const state = body.state as { reported?: ReportedSettings } | undefined;
    const reported = state?.reported;
    if (!reported || typeof reported.cfg !== 'number') return;
    await this.deps.settings.recordReported(deviceId, reported);
  }
}
