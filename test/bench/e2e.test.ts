/**
 * The end-to-end bench rows run (a smoke test: figures are printed by npm run bench, never
 * asserted): presses go through broker, rule and pipeline, and the floor echoes through the
 * same broker.
 */
import { describe, expect, it } from 'vitest';
import { measureE2e } from '../../bench/e2e.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('e2e bench rows', () => {
  it('measures press → ack through the stack (connected and sleepy buttons) and a bare MQTT echo floor in one run', async () => {
    const rows = await measureE2e({
      buttons: 4,
      durationMs: 300,
      warmUpMs: 300,
      warmUpLimitMs: 1_000,
    });
    for (const row of [rows.e2e, rows.e2e_slow_webhook, rows.e2e_floor]) {
      expect(row.buttons).toBe(4);
      expect(row.connected_buttons).toBeGreaterThan(4);
      expect(row.presses).toBeGreaterThan(0);
      expect(Number.isFinite(row.p99_ms)).toBe(true);
    }
    // Sleepy buttons, a session per press, over TCP and mutual TLS.
    for (const row of [rows.e2e_sleepy, rows.e2e_sleepy_tls]) {
      expect(row.peak_presses_per_s).toBeGreaterThan(0);
      expect(Number.isFinite(row.p99_ms)).toBe(true);
    }
  }, 120_000);
});
