/**
 * The cloud's one error base class. Every error is named, carries a stable code and its
 * domain data, and keeps the underlying `cause`; edges translate it (HTTP status, ack outcome,
 * log line) — core code never formats responses.
 */
export class RestockError extends Error {
  override readonly name: string = 'RestockError';
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** A requested thing does not exist (or is not visible to the caller: tenants never learn which). */
export class NotFoundError extends RestockError {
  override readonly name = 'NotFoundError';
  constructor(what: string, id: string, cause?: unknown) {
    super('NOT_FOUND', `${what} ${id} was not found`, { cause, details: { what, id } });
  }
}

/** A state change that the current state does not allow (e.g. cancelling a shipped order). */
export class IllegalTransitionError extends RestockError {
  override readonly name: string = 'IllegalTransitionError';
  constructor(
    orderId: string,
    from: string,
    to: string,
    code = 'ILLEGAL_TRANSITION',
    message = `order ${orderId} cannot go from ${from} to ${to}`,
  ) {
    super(code, message, { details: { orderId, from, to } });
  }
}

/** A household (or its button) cancelling a placed order after its cancel window ended. */
export class CancelWindowClosedError extends IllegalTransitionError {
  override readonly name = 'CancelWindowClosedError';
  constructor(orderId: string) {
    super(
      orderId,
      'PLACED',
      'CANCELLED',
      'CANCEL_WINDOW_CLOSED',
      `order ${orderId} can no longer be cancelled by the household`,
    );
  }
}

/** A conditional write lost a race or found the item in another state; callers re-read and decide. */
export class ConflictError extends RestockError {
  override readonly name = 'ConflictError';
  constructor(message: string, cause?: unknown, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, { cause, details });
  }
}

/** The store could not be reached or failed; retrying the whole operation is safe. */
export class StoreUnavailableError extends RestockError {
  override readonly name = 'StoreUnavailableError';
  constructor(operation: string, cause: unknown) {
    super('STORE_UNAVAILABLE', `store call ${operation} failed`, { cause, details: { operation } });
  }
}
