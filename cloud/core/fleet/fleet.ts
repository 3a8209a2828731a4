/**
 * Button fleet operations: brands register batches and bind SKUs; households claim buttons
 * and change their settings; support unbinds. Every rule that involves a SKU is checked
 * against the button's own brand's catalogue.
 */

import type { Catalog } from '../catalog/catalog.ts';
import { RuleViolationError } from '../catalog/errors.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import {
  type ButtonEvent,
  type ButtonEventStore,
  type ButtonEventType,
  buttonEventId,
} from '../events/button-events.ts';
import { householdKey } from '../insight/household-insight.ts';
import { type Button, DEFAULT_SETTINGS, type SecondAction } from '../model.ts';
import type { Clock, KeySource } from '../ports.ts';
import { type ButtonOwner, type ButtonStore, isOwner, type SettingsPatch } from './button-store.ts';
import { claimCodeHash, deriveClaimCode } from './claim-code.ts';
import type { ClaimStore } from './claim-store.ts';
import { ClaimCodeUnknownError, ClaimCodeUsedError } from './errors.ts';
import { checkSettingsBounds } from './settings-bounds.ts';
import { type Terms, termsFor } from './terms.ts';

export interface NewButton {
  deviceId: string;
  serial: string;
}

export interface RegisteredButton extends NewButton {
  claimCode: string;
}

/** The settings a household may change (acceptedPriceCents belongs to the order flow). */
export type HouseholdSettings = Omit<SettingsPatch, 'acceptedPriceCents'>;

export class Fleet {
  constructor(
    private readonly buttons: ButtonStore,
    private readonly claims: ClaimStore,
    private readonly catalog: Catalog,
    private readonly keySource: KeySource,
    private readonly clock: Clock,
    /** Where claim and release events go (the brand's webhooks, health and insight). */
    private readonly events: ButtonEventStore,
  ) {}

  async claimCodeFor(deviceId: string, keyVersion: number): Promise<string> {
    const key = await this.keySource.deviceKey(deviceId, keyVersion);
    if (!key) {
      throw new RuleViolationError('UNKNOWN_KEY_VERSION', `key version ${keyVersion} is unknown`);
    }
    return deriveClaimCode(key);
  }

  /**
   * Registers each button and its claim code. Safe to retry: a device id the same brand
   * registered before counts as done; one held by another brand stops the batch (409).
   */
  async registerBatch(
    brandId: string,
    keyVersion: number,
    batch: NewButton[],
  ): Promise<RegisteredButton[]> {
    const registered: RegisteredButton[] = [];
    for (const input of batch) {
      const claimCode = await this.claimCodeFor(input.deviceId, keyVersion);
      const codeHash = claimCodeHash(claimCode);
      const createdAt = this.clock.now();
      const button: Button = {
        deviceId: input.deviceId,
        brandId,
        serial: input.serial,
        keyVersion,
        householdId: null,
        settings: DEFAULT_SETTINGS,
        highWaterMark: 0,
        open: [],
        lastPressAt: null,
        batteryMv: null,
        createdAt,
      };
      // The button goes first: a device id held by another brand must stop us before any
      // claim record exists that could point a household at that brand's button.
      if (!(await this.buttons.createButton(button, codeHash))) {
        const existing = await this.buttons.getButton(input.deviceId);
        // Another brand's device gets the answer every other route gives for an id the caller
        // cannot see (404), never a message that confirms another brand registered it.
        if (existing && existing.brandId !== brandId) {
          throw new NotFoundError('button', input.deviceId);
        }
        const same =
          existing?.brandId === brandId &&
          existing.serial === input.serial &&
          existing.keyVersion === keyVersion;
        if (!same) {
          throw new ConflictError(`device ${input.deviceId} is registered already`, undefined, {
            deviceId: input.deviceId,
          });
        }
      }
      // Idempotent: a retry after a crash between the two writes creates the missing record.
      await this.claims.createClaim({
        codeHash,
        deviceId: input.deviceId,
        brandId,
        claimedBy: null,
        claimedAt: null,
      });
      registered.push({ ...input, claimCode });
    }
    return registered;
  }

  async get(deviceId: string, owner: ButtonOwner): Promise<Button> {
    const button = await this.buttons.getButton(deviceId);
    if (!button || !isOwner(owner, button)) throw new NotFoundError('button', deviceId);
    return button;
  }

  /** Binds (or re-binds) the button's SKU; a changed SKU forgets the previously accepted price. */
  async bindSku(brandId: string, deviceId: string, skuId: string): Promise<Button> {
    const button = await this.get(deviceId, { brandId });
    const sku = await this.catalog.requireBindable(brandId, skuId);
    const patch: SettingsPatch = { skuId };
    if (button.settings.skuId !== skuId) patch.acceptedPriceCents = null;
    if (button.settings.quantity > sku.maxQuantity) patch.quantity = sku.maxQuantity;
    return this.patch(deviceId, { brandId }, patch);
  }

  /** Support: the button stops ordering (presses answer UNBOUND) until a SKU is bound again. */
  async unbind(deviceId: string): Promise<Button> {
    await this.get(deviceId, 'any');
    return this.patch(deviceId, 'any', {
      skuId: null,
      secondAction: null,
      acceptedPriceCents: null,
    });
  }

  async claim(householdId: string, claimCode: string): Promise<Button> {
    const taken = await this.claims.takeClaim(
      claimCodeHash(claimCode),
      householdId,
      this.clock.now(),
    );
    if (!('deviceId' in taken)) {
      throw taken.outcome === 'used' ? new ClaimCodeUsedError() : new ClaimCodeUnknownError();
    }
    // 'already-yours' is a retry after a crash between the two writes: finish the work.
    const assigned = await this.buttons.assignHousehold(taken.deviceId, householdId);
    if (assigned === 'taken') throw new ClaimCodeUsedError();
    if (assigned === 'missing') throw new ClaimCodeUnknownError();
    // Nothing is ordered before the household has accepted the terms (or confirmed an order).
    const button =
      assigned === 'assigned'
        ? await this.patch(taken.deviceId, { householdId }, { confirmFirstOrder: true })
        : await this.get(taken.deviceId, { householdId });
    // After the claim, and again on a retry of it: the same id, so never a second event.
    await this.events.addEvent(this.buttonEvent('ButtonClaimed', button, householdId));
    return button;
  }

  /** The terms the household accepts for its button's bound SKU. */
  async terms(householdId: string, deviceId: string): Promise<Terms> {
    const button = await this.get(deviceId, { householdId });
    if (button.settings.skuId === null) {
      throw new RuleViolationError('NOT_BOUND', `button ${deviceId} has no product yet`);
    }
    return termsFor(button, await this.catalog.get(button.brandId, button.settings.skuId));
  }

  /**
   * Records the household's acceptance of the terms at `priceCents`; refused when the price has
   * changed since the household saw it, so nobody accepts a price they were not shown.
   */
  async acceptTerms(householdId: string, deviceId: string, priceCents: number): Promise<Terms> {
    const shown = await this.terms(householdId, deviceId);
    if (shown.unitPriceCents !== priceCents) {
      throw new RuleViolationError(
        'PRICE_CHANGED',
        `the price is now ${shown.unitPriceCents}, not ${priceCents}: read the terms again`,
      );
    }
    await this.patch(deviceId, { householdId }, { acceptedPriceCents: priceCents });
    return { ...shown, acceptedPriceCents: priceCents };
  }

  async updateSettings(
    householdId: string,
    deviceId: string,
    changes: HouseholdSettings,
  ): Promise<Button> {
    checkSettingsBounds(changes);
    const button = await this.get(deviceId, { householdId });
    const next = { ...button.settings, ...changes };
    const patch: SettingsPatch = { ...changes };
    if (next.skuId !== null) {
      const sku = await this.catalog.requireBindable(button.brandId, next.skuId);
      if (next.quantity > sku.maxQuantity) {
        throw new RuleViolationError(
          'QUANTITY_ABOVE_MAX',
          `quantity ${next.quantity} exceeds the SKU's maximum of ${sku.maxQuantity}`,
        );
      }
    }
    if (next.secondAction) await this.checkSecondAction(button.brandId, next.secondAction);
    if (changes.skuId !== undefined && changes.skuId !== button.settings.skuId) {
      patch.acceptedPriceCents = null;
    }
    const patched = await this.patch(deviceId, { householdId }, patch);
    if (changes.learnRhythm !== false) return patched;
    // Learning switched off: what was learned is forgotten too, not merely ignored.
    await this.forget(householdId, deviceId);
    return this.get(deviceId, { householdId });
  }

  /** Forgets the rhythm learned on one of the household's buttons. */
  async forget(householdId: string, deviceId: string): Promise<void> {
    if (!(await this.buttons.forgetRhythm(deviceId, householdId))) {
      throw new NotFoundError('button', deviceId);
    }
  }

  /** Erasure: detaches the button and deletes its claim record, so the code is gone too. */
  async release(householdId: string, deviceId: string): Promise<void> {
    const button = await this.buttons.getButton(deviceId);
    if (!button || button.householdId !== householdId) return;
    // Before the release: a retry after a crash between the two finds the button still held
    // and writes the same event id again.
    await this.events.addEvent(this.buttonEvent('ButtonReleased', button, householdId));
    const codeHash = await this.buttons.releaseHousehold(deviceId, householdId);
    if (codeHash) await this.claims.deleteClaim(codeHash);
  }

  private buttonEvent(type: ButtonEventType, button: Button, householdId: string): ButtonEvent {
    const kind = type === 'ButtonClaimed' ? 'claimed' : 'released';
    const key = householdKey(button.brandId, householdId);
    return {
      eventId: buttonEventId(button.deviceId, kind, key),
      type,
      deviceId: button.deviceId,
      brandId: button.brandId,
      householdKey: key,
      at: this.clock.now(),
      data: { skuId: button.settings.skuId, keyVersion: button.keyVersion },
    };
  }

  private async checkSecondAction(brandId: string, action: SecondAction): Promise<void> {
    const sku = await this.catalog.requireBindable(brandId, action.skuId);
    if (action.quantity > sku.maxQuantity) {
      throw new RuleViolationError(
        'QUANTITY_ABOVE_MAX',
        `second action quantity ${action.quantity} exceeds the SKU's maximum of ${sku.maxQuantity}`,
      );
    }
  }

  private async patch(deviceId: string, owner: ButtonOwner, patch: SettingsPatch) {
    if (!(await this.buttons.patchSettings(deviceId, owner, patch))) {
      // Ownership changed between the read and the write (claim, release, erasure).
      throw new NotFoundError('button', deviceId);
    }
    return this.get(deviceId, owner);
  }
}
