/**
 * Contract versions on the press path, against every store: buttons still on version 1
 * firmware get version 1 acks they can verify; version 2 buttons are told in their ack what
 * waits for them, and the firmware and settings versions they report are recorded on the
 * button in the write the press already makes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeAck, encodeAck, UpdateFlag, verifyAck } from '#shared/index';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import type { StoreUnderTest } from '../helpers/stores.ts';
import { button, sku, World } from '../helpers/world.ts';

export function pressVersionsContract(open: () => Promise<StoreUnderTest>): void {
  describe('contract versions', () => {
    let store: StoreUnderTest;
    let world: World;

    beforeEach(async () => {
      store = await open();
      world = new World(store);
      await store.putSku(sku());
      await store.putButton({ ...button('btn-old'), updatePending: UpdateFlag.FIRMWARE });
      await store.putButton({
        ...button('btn-new'),
        updatePending: UpdateFlag.FIRMWARE | UpdateFlag.SETTINGS,
      });
      await store.putButton(button('btn-idle'));
    });

    it('an old (version 1) button gets a version 1 ack it verifies, without upd, and orders', async () => {
      const device = world.device('btn-old');
      const result = await device.press();
      expect(result).toMatchObject({ outcome: 'ORDERED', orderId: 'btn-old-1' });
      const ack = result.ack as NonNullable<typeof result.ack>;
      expect(ack.v).toBe(1);
      expect(ack.upd).toBeUndefined();
      const wire = encodeAck(ack);
      expect(wire).not.toContain('upd');
      const decoded = decodeAck(wire);
      expect(decoded.ok && verifyAck(nodeSha256, device.key, decoded.message)).toBe(true);
    });

    it('a version 2 button is told in its signed ack that an update and settings wait', async () => {
      const device = world.device('btn-new');
      device.firmware = { fw: 3, cfg: 7 };
      const result = await device.press();
      expect(result.outcome).toBe('ORDERED');
      const ack = result.ack as NonNullable<typeof result.ack>;
      expect(ack).toMatchObject({ v: 2, upd: 3 });
      expect(verifyAck(nodeSha256, device.key, ack)).toBe(true);
      expect(verifyAck(nodeSha256, device.key, { ...ack, upd: 1 })).toBe(false);
    });

    it('a version 2 ack carries no upd when nothing waits', async () => {
      const device = world.device('btn-idle');
      device.firmware = { fw: 1, cfg: 0 };
      const ack = (await device.press()).ack as NonNullable<
        Awaited<ReturnType<typeof device.press>>['ack']
      >;
      expect(ack.v).toBe(2);
      expect('upd' in ack).toBe(false);
    });

    it('records the firmware and settings versions a press reports on the button', async () => {
      const device = world.device('btn-idle');
      device.firmware = { fw: 4, cfg: 2 };
      await device.press();
      const stored = await store.api.buttons.getButton('btn-idle');
      expect(stored).toMatchObject({ firmware: 4, settingsVersion: 2 });
      device.firmware = { fw: 5, cfg: 3 };
      await device.press();
      expect(await store.api.buttons.getButton('btn-idle')).toMatchObject({
        firmware: 5,
        settingsVersion: 3,
      });
    });
  });
}
