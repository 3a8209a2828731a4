/**
 * The fleet side of a staged rollout on the running local stack: a brand's 200 buttons,
 * registered through the API, each waking in seeded order (ten awake at a time) and taking the
 * update over the broker when its ack says one waits; a tenth of the updates roll back. Rounds
 * of wakes repeat until a round finds no update waiting for anyone.
 */
import type { RunningStack } from '../../cloud/local/stack.ts';
import { type MqttUpdateChannel, mqttUpdateChannel } from './mqtt-update-channel.ts';
import { outcomes, seeded, VirtualFleet } from './virtual-fleet.ts';

export const FLEET = 200;
/** Abort at 8 % failed, counted from 20 finished: the fleet's 10 % failures cross it. */
export const ABORT_RULE = { failurePct: 8, minFinished: 20 };
/** A seed whose first 20 updates hold one failure, so the first stage passes and widens. */
const SEED = 5;
/** Buttons awake at once: bounds the run on a loaded machine without flooding the broker. */
const LANES = 10;
const MAX_ROUNDS = 12;
export const FROM_FW = 41;
export const TO_FW = 42;
/** Three blocks of 1 KiB and a short one. */
export const IMAGE = Buffer.alloc(3500, 0x5a);

export const fleetIds = () =>
  Array.from({ length: FLEET }, (_, i) => `vb-${String(i).padStart(3, '0')}`);

export type Api = (
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the tests check its shape
) => Promise<{ status: number; body: any }>;

/** Calls the stack's HTTP API with a bearer token. */
export function apiAs(stack: RunningStack, token: string): Api {
  const base = `http://127.0.0.1:${stack.runtime.httpPort}`;
  return async (method, path, body) => {
    const binary = body instanceof Uint8Array;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { 'content-type': binary ? 'application/octet-stream' : 'application/json' }),
      },
      body: body === undefined ? undefined : binary ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
}

/** Registers the fleet under the token's brand. */
export async function registerFleet(api: Api): Promise<void> {
  const ids = fleetIds();
  for (let at = 0; at < ids.length; at += 100) {
    const buttons = ids
      .slice(at, at + 100)
      .map((deviceId) => ({ deviceId, serial: `SN-${deviceId.toUpperCase()}` }));
    const created = await api('POST', '/v1/brand/buttons', { buttons });
    if (created.status !== 201) throw new Error(`registering buttons: ${created.status}`);
  }
}

export interface FleetRun {
  fleet: VirtualFleet;
  channel: MqttUpdateChannel;
  rounds: number;
}

/** Wakes the fleet round after round until no button finds an update waiting. */
export async function runFleet(stack: RunningStack, dataDir: string): Promise<FleetRun> {
  const channel = mqttUpdateChannel({ stack, dataDir, fromFw: FROM_FW });
  const random = seeded(SEED);
  const fleet = new VirtualFleet(
    fleetIds(),
    channel,
    outcomes(FLEET, FLEET / 10, random),
    random,
    LANES,
  );
  let rounds = 0;
  while (rounds < MAX_ROUNDS) {
    rounds++;
    const found = await fleet.wake();
    // Every report of this round has reached its rollout before the next round wakes.
    await stack.drainOutbox();
    if (found === 0) break;
  }
  return { fleet, channel, rounds };
}
