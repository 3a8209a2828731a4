/**
 * How the table's stream is batched into order-event Lambda invocations: up to `size` records
 * gathered for up to `windowSeconds`. A household hears of its order seconds later; a busy
 * fleet pays one invocation for many events. `npm run cost` reads the same figures.
 */
export const STREAM_BATCH = { size: 100, windowSeconds: 5 } as const;
