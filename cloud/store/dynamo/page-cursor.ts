/**
 * Opaque paging cursors: DynamoDB's LastEvaluatedKey as base64url JSON. A cursor that does not
 * decode to a key of the expected partition is refused, so a caller cannot page into another
 * tenant's partition by crafting one.
 */
import { RestockError } from '../../core/errors.ts';

export class BadCursorError extends RestockError {
  override readonly name = 'BadCursorError';
  constructor() {
    super('BAD_CURSOR', 'the paging cursor is not valid');
  }
}

export type ItemKey = Record<string, string>;

export { encodeCursor } from './dynamo-errors.ts';

/** `expect` lists attributes the key must hold with exactly these values (the partition). */
export function decodeCursor(
  cursor: string | undefined,
  expect: Record<string, string>,
): ItemKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (_error) {
    throw new BadCursorError();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new BadCursorError();
  const record = key as Record<string, unknown>;
  if (!Object.values(record).every((v) => typeof v === 'string')) throw new BadCursorError();
  for (const [name, value] of Object.entries(expect)) {
    if (record[name] !== value) throw new BadCursorError();
  }
  return record as ItemKey;
}
