/**
 * Virtual buttons driving the rollout engine through its ports, as the delivery service does for
 * a real button: each progress report is recorded on the button's assignment, then handed to the
 * engine as `update.reported`. Now and then a report is sent twice, as after a lost PUBACK.
 */
import type { OtaStores } from '../../cloud/api/deps.ts';
import type { UpdateState } from '../../cloud/core/rollouts/model.ts';
import type { Rollouts } from '../../cloud/core/rollouts/rollouts.ts';
import type { UpdateChannel } from './virtual-fleet.ts';

const ACTIVE: UpdateState[] = ['pending', 'downloading', 'verifying'];

export function portsUpdateChannel(
  ota: OtaStores,
  engine: Rollouts,
  brandId: string,
  random: () => number,
): UpdateChannel {
  return {
    async wake(deviceId) {
      const held = await ota.updates.get(deviceId);
      if (!held || !ACTIVE.includes(held.state)) return null;
      const image = await ota.firmware.get(brandId, held.fw);
      if (!image) throw new Error(`${deviceId}: firmware ${held.fw} is not stored`);
      const send = async (
        state: UpdateState,
        details: { block?: number; reason?: string } = {},
      ) => {
        for (let copy = random() < 0.1 ? 2 : 1; copy > 0; copy--) {
          if (!(await ota.updates.report(deviceId, held.job, state, details))) continue;
          await engine.report({ deviceId, job: held.job, fw: held.fw, state, ...details, at: '' });
        }
      };
      return {
        async finish(failed) {
          for (let block = 0; block * image.block < image.size; block++) {
            await send('downloading', { block });
          }
          await send('verifying');
          await (failed ? send('rolled_back', { reason: 'NO_VERIFIED_ACK' }) : send('switched'));
        },
      };
    },
  };
}
