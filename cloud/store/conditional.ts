import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '../core/errors.ts';

/** Runs a conditional write: true when written, false when the condition failed. */
export async function conditionally(operation: string, write: () => Promise<unknown>) {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw new StoreUnavailableError(operation, error);
  }
}

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}

/** Wraps a store call so callers see StoreUnavailableError rather than SDK errors. */
export async function storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreUnavailableError(operation, error);
  }
}
