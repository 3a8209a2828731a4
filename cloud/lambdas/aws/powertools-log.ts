import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../../core/ports.ts';

/** Structured JSON logs for CloudWatch; callers pass ids and codes, never keys or signatures. */
export function powertoolsLog(serviceName: string): Log {
  const logger = new Logger({ serviceName });
  return {
    info: (message, data) => logger.info(message, data ?? {}),
    warn: (message, data) => logger.warn(message, data ?? {}),
    error: (message, data) => logger.error(message, data ?? {}),
  };
}
