/**
 * What waits for a button, as the `upd` bits of its next version 2 ack: read from the button
 * item the press path loads anyway, so telling the button costs no store call.
 */
import { UpdateFlag } from '#shared/index';
import type { Button } from '../model.ts';
import type { UpdateState } from './ports.ts';

/** States in the order a button passes them; a report never moves a button backwards. */
export const UPDATE_STATES: readonly UpdateState[] = [
  'pending',
  'downloading',
  'verifying',
  'switched',
  'rolled_back',
  'failed',
];

export function isTerminal(state: UpdateState): boolean {
  return state === 'switched' || state === 'rolled_back' || state === 'failed';
}

/** Whether `next` may follow `current`: forward only, and nothing after a terminal state. */
export function advances(current: UpdateState, next: UpdateState): boolean {
  if (isTerminal(current)) return false;
  return UPDATE_STATES.indexOf(next) > UPDATE_STATES.indexOf(current);
}

export function pendingUpdates(button: Button): number {
  let flags = 0;
  if (button.ota && !isTerminal(button.ota.state)) flags |= UpdateFlag.FIRMWARE;
  if (button.desired && button.desired.version > settingsApplied(button)) {
    flags |= UpdateFlag.SETTINGS;
  }
  return flags;
}

/**
 * The settings version the button both runs (its presses' `cfg`) and has reported (shadow
 * `reported.cfg`): the bit stays set until both say so, so a wake that stored new settings but
 * lost power before its report fetches and reports again; a button flashed afresh (`cfg` 0)
 * is sent its settings again.
 */
function settingsApplied(button: Button): number {
  return Math.min(button.settingsVersion ?? 0, button.reported?.cfg ?? 0);
}

/** The stream a brand's image is served on (an AWS IoT stream id: letters, digits, - and _). */
export function streamName(brandId: string, fw: number): string {
  return `fw-${brandId}-${fw}`;
}

export const DEFAULT_BLOCK_BYTES = 1024;
