import { RestockError, StoreUnavailableError } from '../../core/errors.ts';

/** True for a conditional write that lost (the expected outcome of a race, not a failure). */
export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** Runs one store call; condition failures become `false`, other failures a named error. */
export async function conditional(
  operation: string,
  call: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw new StoreUnavailableError(operation, error);
  }
}

export async function guarded<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreUnavailableError(operation, error);
  }
}

/** A batch read or write still had unprocessed keys or items after every retry round. */
export class BatchUnprocessedError extends RestockError {
  override readonly name = 'BatchUnprocessedError';
  constructor(operation: string, unprocessed: number, rounds: number) {
    super(
      'BATCH_UNPROCESSED',
      `store call ${operation} left ${unprocessed} unprocessed after ${rounds} rounds`,
      { details: { operation, unprocessed, rounds } },
    );
  }
}
