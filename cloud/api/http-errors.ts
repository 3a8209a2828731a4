/** The edge translation of RestockError codes into HTTP statuses and the error body. */
import { HTTPException } from 'hono/http-exception';
import { RuleViolationError } from '../core/catalog/errors.ts';
import { RestockError } from '../core/errors.ts';

const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  BAD_CURSOR: 400,
  INVALID_RANGE: 400,
  BAD_IDEMPOTENCY_KEY: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CLAIM_CODE_UNKNOWN: 404,
  CLAIM_CODE_USED: 409,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  CANCEL_WINDOW_CLOSED: 409,
  NOT_DEAD: 409,
  HTTPS_REQUIRED: 422,
  PRICE_CHANGED: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  ROLLOUT_FINISHED: 409,
  ROLLOUT_LAST_STAGE: 409,
  ROLLOUT_NOT_PAUSED: 409,
  ROLLOUT_PLAN_INVALID: 422,
  FLEET_EMPTY: 422,
  UPDATE_JOB_FAILED: 503,
  STORE_UNAVAILABLE: 503,
};

/** Hono's own refusals (malformed JSON, wrong media type, body too large) keep their status. */
const CODE_BY_HONO_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

export interface HttpError {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 503;
  body: { error: { code: string; message: string } };
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HTTPException && CODE_BY_HONO_STATUS[error.status]) {
    return {
      status: error.status as HttpError['status'],
      body: {
        error: { code: CODE_BY_HONO_STATUS[error.status] as string, message: error.message },
      },
    };
  }
  if (error instanceof RestockError) {
    const status = STATUS_BY_CODE[error.code] ?? (error instanceof RuleViolationError ? 422 : 500);
    return {
      status: status as HttpError['status'],
      body: {
        error: {
          code: error.code,
          // Store failures keep their detail in the logs, not in the response.
          message: status >= 500 ? 'the service is unavailable; retry later' : error.message,
        },
      },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'an unexpected error occurred' } },
  };
}

export class RequestValidationError extends RestockError {
  override readonly name = 'RequestValidationError';
  constructor(message: string) {
    super('VALIDATION_FAILED', message);
  }
}

/** A schema's failures as one message: `path: problem; path: problem` (`(body)` for the root). */
export function describeIssues(
  issues: readonly { path: PropertyKey[]; message: string }[],
): string {
  return issues
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
