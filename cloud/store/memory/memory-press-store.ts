/**
 * PressStore on the MemoryTable, with the same conditions as DynamoPressStore; like the store on
 * a table without streams, each claim marks its button for the commit relay (MemoryCommitOutbox).
 */
import { recordClosedOrder } from '../../core/guard/rhythm.ts';
import type { Button, Order, PressLogEntry, Sku } from '../../core/model.ts';
import type { CommitOutbox, CommittedButton } from '../../core/press/commit-relay.ts';
import type { Claim, PressContext, PressStore, StoredPress } from '../../core/press/press-store.ts';
import { reminderArmedAt } from '../../core/reminders/reminder-store.ts';
import { clone, type MemoryTable, pressKey, skuKey } from './memory-table.ts';

export class MemoryPressStore implements PressStore {
  constructor(private readonly table: MemoryTable) {}

  async loadContext(deviceId: string): Promise<PressContext> {
    const button = loadedButton(this.table, deviceId);
    if (!button) return { button: null, sku: null };
    const skuId = button.settings.skuId;
    return { button, sku: skuId === null ? null : await this.getSku(button.brandId, skuId) };
  }

  async getSku(brandId: string, skuId: string): Promise<Sku | null> {
    const sku = this.table.skus.get(skuKey(brandId, skuId));
    return sku ? clone(sku) : null;
  }

  async findPress(deviceId: string, seq: number): Promise<StoredPress | null> {
    const stored = this.table.presses.get(pressKey(deviceId, seq));
    return stored ? clone(stored) : null;
  }

  async claim(claim: Claim): Promise<boolean> {
    const button = this.table.buttons.get(claim.deviceId);
    if (!button || button.highWaterMark !== claim.readHighWaterMark) return false;
    if (claim.order && button.open.length >= claim.order.maxOpenOrders) return false;
    button.highWaterMark = claim.seq;
    button.lastPressAt = claim.at;
    button.batteryMv = claim.batteryMv;
    if (claim.order) button.open.push(clone(claim.order.snapshot));
    if (claim.acceptedPriceCents !== undefined) {
      button.settings.acceptedPriceCents = claim.acceptedPriceCents;
    }
    if (claim.recent) button.recent = clone(claim.recent);
    if (claim.firmware !== undefined) {
      button.firmware = claim.firmware;
      button.settingsVersion = claim.settingsVersion ?? 0;
    }
    if (!this.table.commitMarks.has(claim.deviceId)) {
      this.table.commitMarks.set(claim.deviceId, claim.seq);
    }
    return true;
  }

  async createOrder(order: Order, press: PressLogEntry): Promise<boolean> {
    const key = pressKey(order.deviceId, order.seq);
    if (this.table.presses.has(key)) return false;
    this.table.presses.set(key, { kind: 'order', order: clone(order) });
    this.table.orderPresses.set(key, clone(press));
    return true;
  }

  async recordPress(entry: PressLogEntry): Promise<boolean> {
    const key = pressKey(entry.deviceId, entry.seq);
    if (this.table.presses.has(key)) return false;
    this.table.presses.set(key, { kind: 'press', entry: clone(entry) });
    return true;
  }

  async releaseSlot(order: Order): Promise<void> {
    releaseSlot(this.table, order);
  }

  async recordRejection(entry: PressLogEntry): Promise<void> {
    this.table.rejections.push(clone(entry));
  }
}

/** CommitOutbox on the MemoryTable, with the same conditions as DynamoCommitOutbox. */
export class MemoryCommitOutbox implements CommitOutbox {
  constructor(private readonly table: MemoryTable) {}

  async pendingCommits(limit: number): Promise<CommittedButton[]> {
    const commits: CommittedButton[] = [];
    for (const [deviceId, seq] of [...this.table.commitMarks].slice(0, limit)) {
      const button = loadedButton(this.table, deviceId);
      if (button) commits.push({ button, since: seq - 1 });
    }
    return commits;
  }

  async clearCommit({ deviceId, highWaterMark }: Button): Promise<void> {
    const current = this.table.buttons.get(deviceId)?.highWaterMark;
    if (current === highWaterMark) this.table.commitMarks.delete(deviceId);
    else if (
      current !== undefined &&
      current > highWaterMark &&
      this.table.commitMarks.has(deviceId)
    ) {
      this.table.commitMarks.set(deviceId, highWaterMark + 1);
    }
  }
}

function loadedButton(table: MemoryTable, deviceId: string) {
  const record = table.buttons.get(deviceId);
  if (!record) return null;
  const { claimHash: _claimHash, ...button } = clone(record);
  const owedFrom = table.commitMarks.get(deviceId);
  return owedFrom === undefined ? button : { ...button, owedFrom };
}

/**
 * Frees a closed order's slot on its button and records it in the rhythm (idempotent: only the
 * call that frees the slot records), as release-slot.ts does on DynamoDB.
 */
export function releaseSlot(table: MemoryTable, order: Order): void {
  const button = table.buttons.get(order.deviceId);
  if (!button?.open.some((open) => open.seq === order.seq)) return;
  button.open = button.open.filter((open) => open.seq !== order.seq);
  button.rhythm = recordClosedOrder(button.rhythm, order, button.settings.learnRhythm);
  const armAt = reminderArmedAt(order, button.settings.learnRhythm);
  if (armAt !== null) table.reminderTimers.set(order.deviceId, armAt);
}
