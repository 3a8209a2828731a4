/**
 * In-memory over-the-air stores for API and engine tests, until the stores' own adapters (which
 * keep these on the button item) are on this branch.
 */

import { createHash } from 'node:crypto';
import type { OtaStores } from '../../cloud/api/deps.ts';
import type {
  DesiredSettings,
  DesiredSettingsStore,
  FirmwareImage,
  FirmwareImageStore,
  UpdateAssignment,
  UpdateAssignmentStore,
} from '../../cloud/core/ota/ports.ts';

export function memoryImages(block = 512): FirmwareImageStore {
  const images = new Map<string, { image: FirmwareImage; bytes: Uint8Array }>();
  return {
    async put(brandId, fw, bytes) {
      const image: FirmwareImage = {
        fw,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        block,
        stream: `fw-${brandId}-${fw}`,
        createdAt: new Date(0).toISOString(),
      };
      images.set(image.stream, { image, bytes: bytes.slice() });
      return image;
    },
    async get(brandId, fw) {
      return images.get(`fw-${brandId}-${fw}`)?.image ?? null;
    },
    async readBlock(stream, index) {
      const found = images.get(stream);
      if (!found || index * block >= found.bytes.length) return null;
      return found.bytes.slice(index * block, (index + 1) * block);
    },
  };
}

export function memoryAssignments(): UpdateAssignmentStore {
  const byDevice = new Map<string, UpdateAssignment>();
  const ended = (a: UpdateAssignment) => ['switched', 'rolled_back', 'failed'].includes(a.state);
  return {
    async assign(deviceId, job, fw) {
      const held = byDevice.get(deviceId);
      if (held && !ended(held)) return held.job === job;
      byDevice.set(deviceId, { deviceId, job, fw, state: 'pending', updatedAt: '' });
      return true;
    },
    async get(deviceId) {
      return byDevice.get(deviceId) ?? null;
    },
    async report(deviceId, job, state, details) {
      const held = byDevice.get(deviceId);
      if (!held || held.job !== job) return null;
      Object.assign(held, { state, ...details });
      return held;
    },
    async cancel(deviceId, job) {
      if (byDevice.get(deviceId)?.job === job) byDevice.delete(deviceId);
    },
  };
}

export function memoryDeviceSettings(): DesiredSettingsStore {
  const desired = new Map<string, DesiredSettings>();
  return {
    async getDesired(deviceId) {
      return desired.get(deviceId) ?? null;
    },
    async setDesired(deviceId, settings) {
      const version = (desired.get(deviceId)?.version ?? 0) + 1;
      desired.set(deviceId, { version, settings: structuredClone(settings) });
      return version;
    },
    async recordReported() {},
  };
}

export function memoryOtaStores(): OtaStores {
  return {
    firmware: memoryImages(),
    updates: memoryAssignments(),
    deviceSettings: memoryDeviceSettings(),
  };
}
