/**
 * @module restock/shared — the message contract used by firmware and cloud alike.
 * Espruino-safe by rule: no runtime dependencies and only the constructs in DESIGN.md §6.
 */
export * from './bytes.ts';
export * from './canonical.ts';
export * from './constants.ts';
export * from './hmac.ts';
export * from './messages.ts';
export * from './schema.ts';
export * from './topics.ts';
