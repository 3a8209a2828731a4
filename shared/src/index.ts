/**
 * @module restock/shared — the message contract used by firmware and cloud alike.
 * Espruino-safe by rule: no runtime dependencies, and none of the constructs the Espruino gate
 * (device/scripts/espruino-gate.ts) refuses.
 */
export * from './bytes.ts';
export * from './canonical.ts';
export * from './constants.ts';
export * from './hmac.ts';
export * from './messages.ts';
export * from './schema.ts';
export * from './topics.ts';
