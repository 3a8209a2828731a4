/**
 * Opaque paging cursors for every adapter: the position to resume from (DynamoDB's
 * LastEvaluatedKey, the press log's two positions, a memory list's last sort key) as base64url
 * JSON. A cursor that does not decode to the shape its reader expects — for keys, one in the
 * partition being listed — is refused, so a caller cannot page into another tenant's partition
 * by crafting one.
 */
import { RestockError } from '../core/errors.ts';

export class BadCursorError extends RestockError {
  override readonly name = 'BadCursorError';
  constructor() {
    super('BAD_CURSOR', 'the paging cursor is not valid');
  }
}

export type ItemKey = Record<string, string>;

export function encodeCursor(position: object | undefined): string | undefined {
  return position ? Buffer.from(JSON.stringify(position)).toString('base64url') : undefined;
}

/** The position in `cursor`, or undefined for none; BadCursorError unless `valid` holds. */
export function decodeCursor<T extends object>(
  cursor: string | undefined,
  valid: (position: Record<string, unknown>) => boolean,
): T | undefined {
  if (cursor === undefined) return undefined;
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (_error) {
    throw new BadCursorError();
  }
  if (typeof position !== 'object' || position === null || Array.isArray(position)) {
    throw new BadCursorError();
  }
  if (!valid(position as Record<string, unknown>)) throw new BadCursorError();
  return position as T;
}

/** A key cursor: string attributes only, holding exactly the `partition` attributes given. */
export function decodeKeyCursor(
  cursor: string | undefined,
  partition: Record<string, string>,
): ItemKey | undefined {
  return decodeCursor<ItemKey>(
    cursor,
    (key) =>
      Object.values(key).every((v) => typeof v === 'string') &&
      Object.entries(partition).every(([name, value]) => key[name] === value),
  );
}
