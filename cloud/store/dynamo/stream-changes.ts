/**
 * The table's stream (NEW_AND_OLD_IMAGES) as outbox entries: an order item's new image carries
 * its history, the old image says how much of it earlier records already published; a new
 * button-event item is one button event; a button whose high-water mark rose carries the claims
 * the commit relay owes writes for (those above the old image's mark).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ButtonEvent } from '../../core/events/button-events.ts';
import type { OrderChange } from '../../core/events/outbox.ts';
import type { CommittedButton } from '../../core/press/commit-relay.ts';
import { fromButtonItem } from './button-item.ts';
import { fromOrderItem } from './order-item.ts';

type Image = Record<string, AttributeValue>;

export function orderChangesOf(records: DynamoDBRecord[]): OrderChange[] {
  const changes: OrderChange[] = [];
  for (const record of records) {
    const next = record.dynamodb?.NewImage as Image | undefined;
    if (!next) continue;
    const item = unmarshall(next);
    if (item.type !== 'order') continue;
    const old = record.dynamodb?.OldImage as Image | undefined;
    const before = old ? unmarshall(old) : undefined;
    const published = Array.isArray(before?.history) ? before.history.length : 0;
    changes.push({ order: fromOrderItem(item), published });
  }
  return changes;
}

/** Button events: each event item's first image (later changes only remove its outbox marker). */
export function buttonEventsOf(records: DynamoDBRecord[]): ButtonEvent[] {
  const events: ButtonEvent[] = [];
  for (const record of records) {
    const next = record.dynamodb?.NewImage as Image | undefined;
    if (!next || record.dynamodb?.OldImage) continue;
    const item = unmarshall(next);
    if (item.type === 'button-event') events.push(item.event as ButtonEvent);
  }
  return events;
}

/**
 * Buttons changed by claims: each MODIFY whose high-water mark rose. Other changes of a button
 * (settings, a released slot) owe nothing, and a later record of the same button owes only what
 * its own claims added, so old orders are never put again.
 */
export function buttonCommitsOf(records: DynamoDBRecord[]): CommittedButton[] {
  const commits: CommittedButton[] = [];
  for (const record of records) {
    const next = record.dynamodb?.NewImage as Image | undefined;
    const old = record.dynamodb?.OldImage as Image | undefined;
    if (!next || !old) continue;
    const item = unmarshall(next);
    if (item.type !== 'button') continue;
    const button = fromButtonItem(item);
    const since = fromButtonItem(unmarshall(old)).highWaterMark;
    if (button.highWaterMark > since) commits.push({ button, since });
  }
  return commits;
}
