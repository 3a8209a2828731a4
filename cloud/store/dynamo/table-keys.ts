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
 * | button            | BTN#{device}       | META                   | HH#{hh} / BTN#{device}    | BRAND#{brand} / BTN#{device}          |                               |
 * | press or order    | BTN#{device}       | PRESS#{seq:010}        | HH#{hh} / ORDER#{placedAt:013}#{id} | BRAND#{brand}#{status} / {statusAt:013}#{id} | TIMER / {deadline:013}#{id} |
 * | rejected press    | BTN#{device}       | REJ#{at:013}#{nonce}   |                           |                                       |                               |
 * | claim code        | CLAIM#{sha256(code)} | META                 |                           |                                       |                               |
 * | household         | HH#{hh}            | META                   |                           |                                       |                               |
 * | notification      | HH#{hh}            | NOTE#{at:013}#{id}     |                           |                                       |                               |
 * | audit entry       | AUDIT              | {at:013}#{id}          |                           |                                       |                               |
 * | API idempotency   | IDEM#{tenant}#{key}| META                   |                           |                                       |                               |
 *
 * Why it is shaped like this:
 * - A press and the order it creates share one item, keyed by device and sequence number, so
 *   "exactly one order per accepted press" is a conditional put on a deterministic key, and an
 *   order id (`{device}-{seq}`) resolves to its item without an index. Press records that are
 *   not orders carry `expiresAt` (TTL); orders never do.
 * - The button item is the per-device serialisation point: its high-water mark and its list of
 *   open orders change in one conditional update, which enforces replay protection and the
 *   open-order cap atomically without transactions (dynalite has none).
 * - gsi3 holds only orders waiting on a timer (PLACED until the cancel window ends,
 *   NEEDS_CONFIRMATION until it expires); the sweep queries it by deadline.
 * - gsi4 holds only open orders the accidental-order guard held or flagged, not yet shipped
 *   (`FLAGGED` / `{placedAt:013}#{id}`): the support queue across households, oldest first.
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
  button: (deviceId: string) => ({ pk: `BTN#${deviceId}`, sk: 'META' }),
  press: (deviceId: string, seq: number) => ({ pk: `BTN#${deviceId}`, sk: seqKey(seq) }),
  rejection: (deviceId: string, at: number, nonce: string) => ({
    pk: `BTN#${deviceId}`,
    sk: `REJ#${timeKey(at)}#${nonce}`,
  }),
  claim: (codeHash: string) => ({ pk: `CLAIM#${codeHash}`, sk: 'META' }),
  household: (householdId: string) => ({ pk: `HH#${householdId}`, sk: 'META' }),
  notification: (householdId: string, at: number, id: string) => ({
    pk: `HH#${householdId}`,
    sk: `NOTE#${timeKey(at)}#${id}`,
  }),
  audit: (at: number, id: string) => ({ pk: 'AUDIT', sk: `${timeKey(at)}#${id}` }),
  idempotency: (tenant: string, key: string) => ({ pk: `IDEM#${tenant}#${key}`, sk: 'META' }),
} as const;

export const TIMER_PARTITION = 'TIMER';
export const FLAGGED_PARTITION = 'FLAGGED';
