/**
 * A fleet of virtual buttons taking a firmware update: each wake, every button asks whether an
 * update waits and, if one does, takes it as the firmware does and ends switched or — for the
 * ones the scenario makes fail — rolled back, because the new firmware never reached the cloud
 * and the loader went back to the old slot. Which finishing update fails is fixed in advance by a
 * seeded sequence, so a run aborts at the same point whatever buttons the rollout picked.
 */

/** One update a button found waiting at this wake. */
export interface UpdateSession {
  /**
   * Downloads, verifies and reports the end: switched, or rolled back when `failed`. False when
   * the button gave up for this wake before the end (it tries again at a later wake).
   */
  finish(failed: boolean): Promise<boolean | undefined>;
}

/** How a button learns of its update and reports on it: the stores' ports, or the real topics. */
export interface UpdateChannel {
  wake(deviceId: string): Promise<UpdateSession | null>;
}

/** mulberry32: a small seeded PRNG, so the scenario is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` outcomes, exactly `failures` of them failures, in a seeded order (true = fails). */
export function outcomes(count: number, failures: number, random: () => number): boolean[] {
  const list = Array.from({ length: count }, (_, i) => i < failures);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j] as boolean, list[i] as boolean];
  }
  return list;
}

export interface FinishedUpdate {
  deviceId: string;
  failed: boolean;
}

export class VirtualFleet {
  /** Updates finished so far, in order. */
  readonly finished: FinishedUpdate[] = [];

  /**
   * `lanes` buttons are awake at once (1: one after another). Which update fails is decided
   * when it starts, so with several lanes the finishing order may differ a little from the plan.
   */
  constructor(
    readonly deviceIds: string[],
    private readonly channel: UpdateChannel,
    private readonly plan: boolean[],
    private readonly random: () => number,
    private readonly lanes = 1,
  ) {}

  /** One wake of every button, in a seeded order; returns how many found an update waiting. */
  async wake(): Promise<number> {
    const order = this.deviceIds
      .map((deviceId) => ({ deviceId, at: this.random() }))
      .sort((a, b) => a.at - b.at);
    let next = 0;
    let found = 0;
    const lane = async () => {
      while (next < order.length) {
        const { deviceId } = order[next++] as { deviceId: string };
        const session = await this.channel.wake(deviceId);
        if (!session) continue;
        found++;
        const failed = this.plan[this.finished.length] ?? false;
        const update = { deviceId, failed };
        this.finished.push(update);
        if ((await session.finish(failed)) === false) {
          this.finished.splice(this.finished.indexOf(update), 1);
        }
      }
    };
    await Promise.all(Array.from({ length: this.lanes }, lane));
    return found;
  }

  /** Wakes the fleet until a wake finds nothing to do (at most `limit` wakes). */
  async wakeUntilIdle(limit = 10): Promise<number> {
    let wakes = 0;
    while (wakes < limit && (await this.wake()) > 0) wakes++;
    return wakes;
  }
}
