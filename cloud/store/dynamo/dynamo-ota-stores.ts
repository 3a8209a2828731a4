/**
 * The update and settings ports on DynamoDB. An assignment and the desired/reported settings
 * are attributes of the button item (`ota`, `desired`, `reported`): one conditional update
 * each, and the press path reads them in the load it already makes. Images are an item per
 * image plus one per block; the image item is written last, so a half-stored image is never
 * offered. A progress report puts the button item on the outbox index (`UPDATEREPORTS`) in the
 * same write, until the rollout has counted it.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cutImage } from '../../core/ota/image.ts';
import { advances } from '../../core/ota/pending.ts';
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
import { conditional, guarded } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { keys, OUTBOX_INDEX, timeKey, UPDATE_REPORTS_PENDING } from './table-keys.ts';

const iso = (clock: Clock) => new Date(clock.now()).toISOString();
const TERMINAL = [':switched', ':rolled', ':failed'];
const TERMINAL_VALUES = { ':switched': 'switched', ':rolled': 'rolled_back', ':failed': 'failed' };

export class DynamoFirmwareImageStore implements FirmwareImageStore {
  constructor(
    private readonly table: Table,
    private readonly clock: Clock,
  ) {}

  async put(brandId: string, fw: number, bytes: Uint8Array): Promise<FirmwareImage> {
    const { image, blocks } = cutImage(brandId, fw, bytes, iso(this.clock));
    for (const [i, block] of blocks.entries()) {
      await this.write('putFirmwareBlock', { ...keys.firmwareBlock(image.stream, i), data: block });
    }
    await this.write('putFirmwareImage', { ...keys.firmwareImage(brandId, fw), ...image });
    return image;
  }

  async get(brandId: string, fw: number): Promise<FirmwareImage | null> {
    const item = await this.read('getFirmwareImage', keys.firmwareImage(brandId, fw));
    if (!item) return null;
    const { fw: v, size, sha256, block, stream, createdAt } = item as unknown as FirmwareImage;
    return { fw: v, size, sha256, block, stream, createdAt };
  }

  async readBlock(stream: string, index: number): Promise<Uint8Array | null> {
    const item = await this.read('readFirmwareBlock', keys.firmwareBlock(stream, index));
    return item ? new Uint8Array(item.data as Uint8Array) : null;
  }

  private write(operation: string, item: Record<string, unknown>): Promise<unknown> {
    return guarded(operation, () =>
      this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: item })),
    );
  }

  private async read(operation: string, key: Record<string, string>) {
    const result = await guarded(operation, () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }),
      ),
    );
    return result.Item ?? null;
  }
}

/**
 * The report's place on the outbox index; it names the report itself (same time, state and
 * block: the same report), so the mark is cleared only for the report that was applied.
 */
const reportMark = (report: UpdateAssignment) =>
  `${timeKey(Date.parse(report.updatedAt))}#${report.deviceId}#${report.state}#${report.block ?? ''}`;

export class DynamoUpdateAssignmentStore implements UpdateAssignmentStore, UpdateReportOutbox {
  constructor(
    private readonly table: Table,
    private readonly clock: Clock,
  ) {}

  async assign(deviceId: string, job: string, fw: number): Promise<boolean> {
    const ota: UpdateAssignment = {
      deviceId,
      job,
      fw,
      state: 'pending',
      updatedAt: iso(this.clock),
    };
    const assigned = await conditional('assignUpdate', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'SET ota = :ota',
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(ota) OR ota.#state IN (${TERMINAL.join(', ')}))`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':ota': ota, ...TERMINAL_VALUES },
        }),
      ),
    );
    if (assigned) return true;
    // Assigning the same job again (a retried call) is not a conflict.
    return (await this.get(deviceId))?.job === job;
  }

  async get(deviceId: string): Promise<UpdateAssignment | null> {
    const result = await guarded('getUpdate', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          ProjectionExpression: 'ota',
          ConsistentRead: true,
        }),
      ),
    );
    return (result.Item?.ota as UpdateAssignment | undefined) ?? null;
  }

  async report(
    deviceId: string,
    job: string,
    state: UpdateState,
    details: { reason?: string; block?: number },
  ): Promise<UpdateAssignment | null> {
    const current = await this.get(deviceId);
    if (!current || current.job !== job) return null;
    const next: UpdateAssignment = {
      deviceId,
      job,
      fw: current.fw,
      state,
      updatedAt: iso(this.clock),
    };
    if (details.reason !== undefined) next.reason = details.reason;
    if (details.block !== undefined) next.block = details.block;
    // Forward only: the write is conditional on the state this decision was made from.
    const repeatDownload = current.state === 'downloading' && state === 'downloading';
    if (!advances(current.state, state) && !repeatDownload) return null;
    const written = await this.replace('reportUpdate', current, next, true);
    return written ? next : this.report(deviceId, job, state, details);
  }

  async unappliedReports(limit: number): Promise<UpdateAssignment[]> {
    const page = await queryIndexItems(this.table, 'unappliedUpdateReports', {
      IndexName: OUTBOX_INDEX,
      KeyConditionExpression: 'outboxPk = :pending',
      ExpressionAttributeValues: { ':pending': UPDATE_REPORTS_PENDING },
      Limit: limit,
    });
    return page.items.flatMap((item) => (item.ota ? [item.ota as UpdateAssignment] : []));
  }

  async markApplied(report: UpdateAssignment): Promise<void> {
    await conditional('markUpdateReportApplied', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(report.deviceId),
          UpdateExpression: 'REMOVE outboxPk, outboxSk',
          ConditionExpression: 'outboxPk = :pending AND outboxSk = :mark',
          ExpressionAttributeValues: {
            ':pending': UPDATE_REPORTS_PENDING,
            ':mark': reportMark(report),
          },
        }),
      ),
    );
  }

  async cancel(deviceId: string, job: string): Promise<void> {
    const current = await this.get(deviceId);
    if (!current || current.job !== job || current.state !== 'pending') return;
    const next: UpdateAssignment = {
      ...current,
      state: 'failed',
      reason: 'CANCELLED',
      updatedAt: iso(this.clock),
    };
    // Lost a race with a report: decide again from what is there now.
    if (!(await this.replace('cancelUpdate', current, next))) await this.cancel(deviceId, job);
  }

  /**
   * Writes `next` if the button's update is still `current` (same job, same state); a report
   * also marks the button for the rollout (`unappliedReports`).
   */
  private replace(
    operation: string,
    current: UpdateAssignment,
    next: UpdateAssignment,
    report = false,
  ): Promise<boolean> {
    const mark = report
      ? { ':pending': UPDATE_REPORTS_PENDING, ':mark': reportMark(next) }
      : undefined;
    return conditional(operation, () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(current.deviceId),
          UpdateExpression: mark
            ? 'SET ota = :next, outboxPk = :pending, outboxSk = :mark'
            : 'SET ota = :next',
          ConditionExpression: 'ota.job = :job AND ota.#state = :from',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':next': next,
            ':job': current.job,
            ':from': current.state,
            ...mark,
          },
        }),
      ),
    );
  }
}

export class DynamoDesiredSettingsStore implements DesiredSettingsStore {
  constructor(private readonly table: Table) {}

  async getDesired(deviceId: string): Promise<DesiredSettings | null> {
    const result = await guarded('getDesired', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          ProjectionExpression: 'desired',
          ConsistentRead: true,
        }),
      ),
    );
    return (result.Item?.desired as DesiredSettings | undefined) ?? null;
  }

  async setDesired(deviceId: string, settings: DeviceSettings): Promise<number> {
    for (;;) {
      const current = await this.getDesired(deviceId);
      const version = (current?.version ?? 0) + 1;
      const written = await conditional('setDesired', () =>
        this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: keys.button(deviceId),
            UpdateExpression: 'SET desired = :desired',
            ConditionExpression: current
              ? 'desired.version = :was'
              : 'attribute_exists(pk) AND attribute_not_exists(desired)',
            ExpressionAttributeValues: {
              ':desired': { version, settings },
              ...(current ? { ':was': current.version } : {}),
            },
          }),
        ),
      );
      if (written) return version;
      if (!current && !(await this.exists(deviceId))) return 0;
    }
  }

  /**
   * Stores desired settings under a version chosen elsewhere (the Device Shadow's, in AWS),
   * unless a later version is stored already; false when the button does not exist or a later
   * version won.
   */
  putDesired(deviceId: string, desired: DesiredSettings): Promise<boolean> {
    return conditional('putDesired', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'SET desired = :desired',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(desired) OR desired.version < :version)',
          ExpressionAttributeValues: { ':desired': desired, ':version': desired.version },
        }),
      ),
    );
  }

  async recordReported(deviceId: string, reported: ReportedSettings): Promise<void> {
    await conditional('recordReported', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'SET reported = :reported',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':reported': reported },
        }),
      ),
    );
  }

  private async exists(deviceId: string): Promise<boolean> {
    const result = await guarded('getButton', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          ProjectionExpression: 'pk',
        }),
      ),
    );
    return result.Item !== undefined;
  }
}
