/**
 * The update and settings ports on the in-memory table. Assignments and settings live on the
 * button record, as they do on the DynamoDB button item (the press path reads them there).
 */

import { cutImage } from '../../core/ota/image.ts';
import { advances, isTerminal } from '../../core/ota/pending.ts';
import type {
  DesiredSettings,
  DesiredSettingsStore,
  DeviceSettings,
  FirmwareImage,
  FirmwareImageStore,
  ReportedSettings,
  UpdateAssignment,
  UpdateAssignmentStore,
  UpdateReportOutbox,
  UpdateState,
} from '../../core/ota/ports.ts';
import type { Clock } from '../../core/ports.ts';
import { clone, type MemoryTable } from './memory-table.ts';

const iso = (clock: Clock) => new Date(clock.now()).toISOString();

export class MemoryFirmwareImageStore implements FirmwareImageStore {
  constructor(
    private readonly table: MemoryTable,
    private readonly clock: Clock,
  ) {}

  async put(brandId: string, fw: number, bytes: Uint8Array): Promise<FirmwareImage> {
    const { image, blocks } = cutImage(brandId, fw, bytes, iso(this.clock));
    for (const [i, block] of blocks.entries()) {
      this.table.firmwareBlocks.set(`${image.stream}/${i}`, block);
    }
    this.table.firmwareImages.set(`${brandId}/${fw}`, image);
    return clone(image);
  }

  async get(brandId: string, fw: number): Promise<FirmwareImage | null> {
    const image = this.table.firmwareImages.get(`${brandId}/${fw}`);
    return image ? clone(image) : null;
  }

  async readBlock(stream: string, index: number): Promise<Uint8Array | null> {
    const block = this.table.firmwareBlocks.get(`${stream}/${index}`);
    return block ? block.slice() : null;
  }
}

const sameReport = (a: UpdateAssignment, b: UpdateAssignment) =>
  a.updatedAt === b.updatedAt && a.state === b.state && a.block === b.block;

export class MemoryUpdateAssignmentStore implements UpdateAssignmentStore, UpdateReportOutbox {
  constructor(
    private readonly table: MemoryTable,
    private readonly clock: Clock,
  ) {}

  async assign(deviceId: string, job: string, fw: number): Promise<boolean> {
    const button = this.table.buttons.get(deviceId);
    if (!button) return false;
    if (button.ota && !isTerminal(button.ota.state)) return button.ota.job === job;
    button.ota = { deviceId, job, fw, state: 'pending', updatedAt: iso(this.clock) };
    return true;
  }

  async get(deviceId: string): Promise<UpdateAssignment | null> {
    const ota = this.table.buttons.get(deviceId)?.ota;
    return ota ? clone(ota) : null;
  }

  async report(
    deviceId: string,
    job: string,
    state: UpdateState,
    details: { reason?: string; block?: number },
  ): Promise<UpdateAssignment | null> {
    const button = this.table.buttons.get(deviceId);
    const ota = button?.ota;
    if (!button || !ota || ota.job !== job) return null;
    if (!advances(ota.state, state) && !(ota.state === state && state === 'downloading')) {
      return null;
    }
    const next: UpdateAssignment = { deviceId, job, fw: ota.fw, state, updatedAt: iso(this.clock) };
    if (details.reason !== undefined) next.reason = details.reason;
    if (details.block !== undefined) next.block = details.block;
    button.ota = next;
    this.table.unappliedReports.set(deviceId, clone(next));
    return clone(next);
  }

  async unappliedReports(limit: number): Promise<UpdateAssignment[]> {
    return [...this.table.unappliedReports.values()]
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt))
      .slice(0, limit)
      .map(clone);
  }

  async markApplied(report: UpdateAssignment): Promise<void> {
    const held = this.table.unappliedReports.get(report.deviceId);
    if (held && sameReport(held, report)) this.table.unappliedReports.delete(report.deviceId);
  }

  async cancel(deviceId: string, job: string): Promise<void> {
    const button = this.table.buttons.get(deviceId);
    if (button?.ota?.job === job && button.ota.state === 'pending') {
      button.ota = {
        ...button.ota,
        state: 'failed',
        reason: 'CANCELLED',
        updatedAt: iso(this.clock),
      };
    }
  }
}

export class MemoryDesiredSettingsStore implements DesiredSettingsStore {
  constructor(private readonly table: MemoryTable) {}

  async getDesired(deviceId: string): Promise<DesiredSettings | null> {
    const desired = this.table.buttons.get(deviceId)?.desired;
    return desired ? clone(desired) : null;
  }

  async setDesired(deviceId: string, settings: DeviceSettings): Promise<number> {
    const button = this.table.buttons.get(deviceId);
    if (!button) return 0;
    const version = (button.desired?.version ?? 0) + 1;
    button.desired = { version, settings: clone(settings) };
    return version;
  }

  async recordReported(deviceId: string, reported: ReportedSettings): Promise<void> {
    const button = this.table.buttons.get(deviceId);
    if (button) button.reported = clone(reported);
  }
}
