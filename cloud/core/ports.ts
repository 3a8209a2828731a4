/**
 * The ports the core depends on. Entry points (Lambda handler files, the local stack, CLIs)
 * build the adapters once and pass them in; tests pass fakes that run the same contract suites.
 */
import type { Ack } from '#shared/index';
import type { OrderEvent } from './model.ts';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Resolves a device's signing key (derived from the master key of that key version). */
export interface KeySource {
  deviceKey(deviceId: string, keyVersion: number): Promise<Uint8Array | null>;
}

/** Sends an ack to a device: IoT data plane in AWS, the embedded broker locally. */
export interface AckPublisher {
  publishAck(deviceId: string, ack: Ack): Promise<void>;
}

/**
 * Receives order events from the outbox relay (core/events): EventBridge in AWS; the console,
 * the outbox file and the household's notifications locally. Delivery is at least once.
 */
export interface EventSink {
  emit(events: OrderEvent[]): Promise<void>;
}

/** Structured logging; implementations must never log secrets or signatures' keys. */
export interface Log {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };
