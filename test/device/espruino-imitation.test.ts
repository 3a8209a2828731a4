/**
 * The vm harness's imitation of Espruino, tested on its own with small scripts: each fact seen
 * on the real interpreter (ESP32 pool, Espruino 2v29) must hold in the imitation too, or the
 * firmware tests prove nothing about the chip. espruino/real-interpreter.test.ts runs the same
 * scripts on the real interpreter where one is installed.
 */
import { describe, expect, it } from 'vitest';
import { IMITATION_CASES } from './espruino-facts.ts';
import { SimulatedChip } from './harness/chip.ts';

describe('the vm harness imitates Espruino', () => {
  it.each(IMITATION_CASES)('$fact', async ({ script, boot, expected, sleepMs, boots }) => {
    const chip = new SimulatedChip(script.replace('CLOSED_PORT', '1'), 1);
    for (let n = 0; n < (boots ?? 1); n++) {
      const wake = chip.boot({ cause: 'power', ...boot });
      const sleep = await wake.sleep;
      expect(wake.logs).toEqual(expected);
      if (sleepMs !== undefined) expect(sleep.timerMs).toBe(sleepMs);
    }
  });

  it('a chip left with nothing scheduled and no sleep is reported as never sleeping', async () => {
    const wake = new SimulatedChip('console.log("idle");', 1).boot({ cause: 'power' });
    await expect(wake.sleep).rejects.toThrow(/never sleeps/);
  });

  it('an exception in a callback is recorded and the program carries on', async () => {
    const wake = new SimulatedChip(
      'setTimeout(function(){ throw new Error("boom"); }, 1);' +
        'setTimeout(function(){ console.log("still running"); ESP32.deepSleepExt0(D27, 0); }, 5);',
      1,
    ).boot({ cause: 'power' });
    expect(await wake.sleep).toEqual({ timerMs: 0 });
    expect(wake.logs).toEqual(['still running']);
    expect(String(wake.errors[0])).toMatch(/boom/);
  });
});
