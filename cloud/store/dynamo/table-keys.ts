/**
 * @module store/dynamo/table-keys — the single-table key design.
 *
 * One DynamoDB table, string keys `pk`/`sk`, four sparse global secondary indexes and a TTL
 * attribute `expiresAt` (epoch seconds). No request path scans the table.
 *
 * | item              | pk                 | sk                     | gsi1 (household)          | gsi2 (brand)                          | gsi3 (timers)                 |
 * |-------------------|--------------------|------------------------|---------------------------|---------------------------------------|-------------------------------|
 * | brand             | BRAND#{brand}      | META                   |                           |                                       |                               |
 * | SKU               | BRAND#{brand}      | SKU#{sku}              |                           |                                       |                               |
 * | webhook endpoint  | BRAND#{brand}      | HOOK#{endpoint}        |                           |                                       |                               |
 * | webhook secrets   | BRAND#{brand}      | HOOKSECRETS            |                           |                                       |                               |
 * | webhook delivery  | HOOKDLV#{brand}    | {delivery}             | BRAND#{brand}#HOOKDLV / {createdAt:013}#{id} | BRAND#{brand}#HOOKDEAD / {deadAt:013}#{id} (dead only) | HOOKDUE / {nextAttemptAt:013}#{id} (pending only) |
 * | brand statistics  | BRAND#{brand}      | STATS#{day}#{sku}#{shard} |                        |                                       |                               |
 * | order's stats count | BRAND#{brand}    | COUNTED#{order}        |                           |                                       |                               |
 * | button health     | BRAND#{brand}      | HEALTH#{device}        |                           |                                       | HEALTHDUE / {checkAt:013}#{device} (while a check is due) |
 * | household activity| BRAND#{brand}      | HHACT#{pseudonym}      |                           |                                       |                               |
 * | button event      | BTNEVT#{eventId}   | META                   |                           |                                       |                               |
 * | button            | BTN#{device}       | META                   | HH#{hh} / BTN#{device}    | BRAND#{brand} / BTN#{device}          | REMIND / {at:013}#{device}    |
 * | press or order    | BTN#{device}       | PRESS#{seq:010}        | HH#{hh} / ORDER#{placedAt:013}#{id} (from its first transition) | BRAND#{brand}#{status} / {statusAt:013}#{id} (not while PLACED or NEEDS_CONFIRMATION; test orders from the start: BRAND#{brand}#TEST / {placedAt:013}#{id}) | previous version only: TIMER#{0..15} or TIMER / {deadline:013}#{id} |
 * | order timer       | TIMERS#{yyyy-mm-dd of due} | {due:013}#{first eventId}~{digest} |                 |                                       |                               |
 * | rejected press    | BTN#{device}       | REJ#{at:013}#{nonce}   |                           |                                       |                               |
 * | claim code        | CLAIM#{sha256(code)} | META                 |                           |                                       |                               |
 * | household         | HH#{hh}            | META                   |                           |                                       |                               |
 * | household guard   | HH#{hh}            | GUARD                  |                           |                                       |                               |
 * | notification      | HH#{hh}            | NOTE#{at:013}#{id}     |                           |                                       |                               |
 * | subscription      | HH#{hh}            | SUB#{id}               |                           |                                       |                               |
 * | welcome credit    | BRAND#{brand}      | WELCOME#{sku}          |                           |                                       |                               |
 * | credit ledger     | CREDIT#BTN#{device} or CREDIT#HOLDER#{pseudonym} | META or {brand}#{sku} |     |                                       |                               |
 * | audit entry       | AUDIT              | {at:013}#{id}          |                           |                                       |                               |
 * | firmware image    | FW#{brand}         | {fw:010}               |                           |                                       |                               |
 * | firmware block    | FWBLK#{stream}     | {index:06}             |                           |                                       |                               |
 * | API idempotency   | IDEM#{tenant}#{key}| META                   |                           |                                       |                               |
 * | rollout           | ROLLOUT#{rollout}  | META                   |                           | BRAND#{brand}#ROLLOUTS / {createdAt:013}#{id} | ROLLOUTS / {createdAt:013}#{id} (open only) |
 * | rollout member    | ROLLOUT#{rollout}  | BTN#{device}           |                           |                                       |                               |
 *
 * Why it is shaped like this:
 * - A press and the order it creates share one item, keyed by device and sequence number, so
 *   "exactly one order per accepted press" is a conditional put on a deterministic key, and an
 *   order id (`{device}-{seq}`) resolves to its item without an index. Press records that are
 *   not orders carry `expiresAt` (TTL); orders never do.
 * - The button item is the per-device serialisation point: its high-water mark and its list of
 *   open orders change in one conditional update, which enforces replay protection and the
 *   open-order cap atomically without transactions (dynalite has none). It holds its open
 *   orders in a compact form (button-item.ts) so that it stays under 1 KB, one write unit.
 * - A new order's item enters no index, so a press writes no index entry: the household's list
 *   finds it on its button (the open list) until its first transition adds the household and
 *   brand keys; waiting orders (PLACED, NEEDS_CONFIRMATION) are in no brand list. The sweep
 *   finds them through order timers (core/events/order-timers.ts), items in no index that an
 *   order-event consumer writes, one per batch of events and deadline minute, in the partition
 *   of their due day. The previous version kept waiting orders on gsi3 (`TIMER#…`); nothing
 *   writes those entries any more, the sweep still reads them. In its own partition
 *   (`REMIND`) gsi3 holds the next-need reminder timers of buttons whose rhythm changed: set when a
 *   delivery teaches the rhythm, moved by the sweep to the next-need date, removed once handled.
 * - Every order item is its own outbox (core/events): its history is the event log and
 *   `published` counts the events already published. In AWS the table's stream publishes them;
 *   tables without streams (dynalite) get one more sparse index, `outbox`, holding the orders
 *   with unpublished events (`outboxPk` = PENDING, `outboxSk` = {at:013}#{id}). AWS does not
 *   declare it, so the marker costs no index write there.
 * - gsi4 holds only open orders the accidental-order guard held or flagged, not yet shipped
 *   (`FLAGGED` / `{placedAt:013}#{id}`): the support queue across households, oldest first.
 * - Brand statistics (core/insight) are buckets per placement day × SKU × shard in the brand's
 *   partition, maintained from order events; totals and insight query that range and never
 *   read orders. A bucket holds markers only for orders being counted at that moment; each
 *   order's settled count is its own `COUNTED#` item (dynamo-stats-store.ts).
 * - Fleet health (core/health) is one record per button in the brand's partition, kept from
 *   events; gsi3's `HEALTHDUE` partition holds the records the sweep must look at (silence
 *   checks), by due time. Household activity records (core/insight), one per pseudonymous
 *   household, sit beside them; RFM and cohorts read that range, never orders.
 * - Button events (claimed, released, low battery, silent) are items of their own, published
 *   like order events: by the stream in AWS, via the outbox index (`BUTTONEVENTS`) elsewhere.
 * - A button's update progress report, written on its item (`ota`), puts the item on the outbox
 *   index (`UPDATEREPORTS`) in the same write until the rollout has counted it; in AWS the job
 *   execution events carry the reports instead.
 * - Rejected presses get their own sort-key range so a forged or replayed press can never
 *   occupy the slot of a real sequence number.
 */

export const TABLE_INDEXES = ['gsi1', 'gsi2', 'gsi3', 'gsi4'] as const;
export type IndexName = (typeof TABLE_INDEXES)[number];

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const seqKey = (seq: number) => `PRESS#${pad(seq, 10)}`;
export const timeKey = (at: number) => pad(at, 13);

export const keys = {
  brand: (brandId: string) => ({ pk: `BRAND#${brandId}`, sk: 'META' }),
  sku: (brandId: string, skuId: string) => ({ pk: `BRAND#${brandId}`, sk: `SKU#${skuId}` }),
  stats: (b: { brandId: string; day: string; skuId: string; shard: number }) => ({
    pk: `BRAND#${b.brandId}`,
    sk: `STATS#${b.day}#${b.skuId}#${b.shard}`,
  }),
  statsCounted: (brandId: string, orderId: string) => ({
    pk: `BRAND#${brandId}`,
    sk: `COUNTED#${orderId}`,
  }),
  button: (deviceId: string) => ({ pk: `BTN#${deviceId}`, sk: 'META' }),
  press: (deviceId: string, seq: number) => ({ pk: `BTN#${deviceId}`, sk: seqKey(seq) }),
  rejection: (deviceId: string, at: number, nonce: string) => ({
    pk: `BTN#${deviceId}`,
    sk: `REJ#${timeKey(at)}#${nonce}`,
  }),
  webhookEndpoint: (brandId: string, endpointId: string) => ({
    pk: `BRAND#${brandId}`,
    sk: `HOOK#${endpointId}`,
  }),
  webhookSecrets: (brandId: string) => ({ pk: `BRAND#${brandId}`, sk: 'HOOKSECRETS' }),
  webhookDelivery: (brandId: string, deliveryId: string) => ({
    pk: `HOOKDLV#${brandId}`,
    sk: deliveryId,
  }),
  health: (brandId: string, deviceId: string) => ({
    pk: `BRAND#${brandId}`,
    sk: `HEALTH#${deviceId}`,
  }),
  activity: (brandId: string, key: string) => ({ pk: `BRAND#${brandId}`, sk: `HHACT#${key}` }),
  buttonEvent: (eventId: string) => ({ pk: `BTNEVT#${eventId}`, sk: 'META' }),
  claim: (codeHash: string) => ({ pk: `CLAIM#${codeHash}`, sk: 'META' }),
  household: (householdId: string) => ({ pk: `HH#${householdId}`, sk: 'META' }),
  householdGuard: (householdId: string) => ({ pk: `HH#${householdId}`, sk: 'GUARD' }),
  notification: (householdId: string, at: number, id: string) => ({
    pk: `HH#${householdId}`,
    sk: `NOTE#${timeKey(at)}#${id}`,
  }),
  subscription: (householdId: string, subscriptionId: string) => ({
    pk: `HH#${householdId}`,
    sk: `SUB#${subscriptionId}`,
  }),
  audit: (at: number, id: string) => ({ pk: 'AUDIT', sk: `${timeKey(at)}#${id}` }),
  idempotency: (tenant: string, key: string) => ({ pk: `IDEM#${tenant}#${key}`, sk: 'META' }),
  firmwareImage: (brandId: string, fw: number) => ({ pk: `FW#${brandId}`, sk: pad(fw, 10) }),
  firmwareBlock: (stream: string, index: number) => ({ pk: `FWBLK#${stream}`, sk: pad(index, 6) }),
  welcomeCredit: (brandId: string, skuId: string) => ({
    pk: `BRAND#${brandId}`,
    sk: `WELCOME#${skuId}`,
  }),
  creditLedgerButton: (deviceId: string) => ({ pk: `CREDIT#BTN#${deviceId}`, sk: 'META' }),
  creditLedgerHolder: (holder: string, brandId: string, skuId: string) => ({
    pk: `CREDIT#HOLDER#${holder}`,
    sk: `${brandId}#${skuId}`,
  }),
  rollout: (rolloutId: string) => ({ pk: `ROLLOUT#${rolloutId}`, sk: 'META' }),
  rolloutMember: (rolloutId: string, deviceId: string) => ({
    pk: `ROLLOUT#${rolloutId}`,
    sk: `BTN#${deviceId}`,
  }),
} as const;

export const REMINDER_PARTITION = 'REMIND';
export const reminderKey = (at: number, deviceId: string) => `${timeKey(at)}#${deviceId}`;

/**
 * Order timers (core/events/order-timers.ts): one item per batch of order events and deadline
 * minute, in the partition of its due day, sorted by due time. Day partitions keep a busy day's
 * timers apart from the next one's; the sweep reads the few recent days.
 */
export const timerPartition = (due: number) => `TIMERS#${new Date(due).toISOString().slice(0, 10)}`;
export const timerKey = (due: number, eventId: string) => ({
  pk: timerPartition(due),
  sk: `${timeKey(due)}#${eventId}`,
});

/**
 * The previous version's timer index: waiting orders on gsi3 in `TIMER#{0..15}` (by a hash of
 * the order id) and, before that, one `TIMER` partition. Nothing writes it any more; the sweep
 * still reads it for orders written then.
 */
export const LEGACY_TIMER_PARTITIONS = [
  ...Array.from({ length: 16 }, (_, i) => `TIMER#${i}`),
  'TIMER',
];

export const FLAGGED_PARTITION = 'FLAGGED';
export const HEALTH_DUE_PARTITION = 'HEALTHDUE';
/** The outbox index's partition for unpublished button events. */
export const BUTTON_EVENTS_PENDING = 'BUTTONEVENTS';
/** The outbox index's partition for button items whose latest update report no rollout counted yet. */
export const UPDATE_REPORTS_PENDING = 'UPDATEREPORTS';

/** The local relay's index (tables without streams only; see above). */
export const OUTBOX_INDEX = 'outbox';
export const OUTBOX_PENDING = 'PENDING';

/** The attributes that put an order on the outbox index until its events are published. */
export function outboxMarker(at: number, orderId: string) {
  return { outboxPk: OUTBOX_PENDING, outboxSk: `${timeKey(at)}#${orderId}` };
}

/**
 * The local commit relay's index (tables without streams only, like `outbox`; AWS does not
 * declare it and its store writes no marker there: the stream carries each claim). A claim puts
 * its button in the `COMMITS` partition; the mark's sort key keeps the oldest claim not yet
 * relayed (`{at:013}#{seq:010}`), so the relay writes only what the claims since then owe; when
 * claims land while the relay works, it moves the mark past what it wrote instead. It is
 * an index of its own because a button item may sit on the outbox index for its update report.
 */
export const COMMIT_INDEX = 'commits';
export const COMMITS_PENDING = 'COMMITS';

export function commitMark(at: number, seq: number): string {
  return `${timeKey(at)}#${pad(seq, 10)}`;
}

/** The sequence number of the oldest claim a commit mark says is not relayed yet. */
export function commitMarkSeq(mark: string): number {
  return Number(mark.split('#')[1]);
}
