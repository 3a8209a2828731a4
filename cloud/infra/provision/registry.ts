/**
 * Registers provisioned buttons through the same fleet service the brand API uses, so a
 * provisioned button is exactly what "register a batch" creates: unclaimed, unbound, listed
 * under its brand, with a one-time claim code (only its hash is stored). Re-running a batch
 * is safe: the fleet treats a device the same brand registered before as done.
 */
import type { Fleet } from '../../core/fleet/fleet.ts';
import { ProvisioningError } from './errors.ts';
import type { ButtonRegistration, ButtonRegistry } from './ports.ts';

export class FleetButtonRegistry implements ButtonRegistry {
  constructor(private readonly fleet: Pick<Fleet, 'registerBatch'>) {}

  async register(registration: ButtonRegistration): Promise<string> {
    try {
      const [registered] = await this.fleet.registerBatch(
        registration.brandId,
        registration.keyVersion,
        [{ deviceId: registration.deviceId, serial: registration.serial }],
      );
      if (!registered) throw new Error('the fleet registered nothing');
      return registered.claimCode;
    } catch (cause) {
      throw new ProvisioningError(
        `registering ${registration.deviceId} failed`,
        { step: 'register', deviceId: registration.deviceId },
        cause,
      );
    }
  }
}
