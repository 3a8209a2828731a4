/**
 * The local drain takes a batch of each outbox in turn: a backlog of order events does not hold
 * up the order items the commit relay writes, and every outbox is drained to its end.
 */
import { expect, it } from 'vitest';
import { drainAll, drainInTurn } from '../../../cloud/core/events/drain-batches.ts';

function outbox(name: string, batches: number, log: string[]) {
  let left = batches;
  return async () => {
    if (left === 0) return { count: 0, more: false };
    left--;
    log.push(name);
    return { count: 100, more: left > 0 };
  };
}

it('takes one batch of each in turn, so a long backlog never starves a short one', async () => {
  const log: string[] = [];
  const total = await drainInTurn([outbox('commits', 2, log), outbox('events', 5, log)]);
  expect(log).toEqual(['commits', 'events', 'commits', 'events', 'events', 'events', 'events']);
  expect(total).toBe(700);
});

it('asks a short outbox again each round while another has more, so arrivals never wait for the backlog', async () => {
  const log: string[] = [];
  const arriving = [1, 0, 3];
  const commits = async () => {
    const count = arriving.shift() ?? 0;
    log.push(`commits ${count}`);
    return { count, more: false };
  };
  expect(await drainInTurn([commits, outbox('events', 3, log)])).toBe(304);
  expect(log).toEqual(['commits 1', 'events', 'commits 0', 'events', 'commits 3', 'events']);
});

it('drains one outbox until a batch comes back short', async () => {
  const log: string[] = [];
  expect(await drainAll(outbox('events', 3, log))).toBe(300);
  expect(log).toEqual(['events', 'events', 'events']);
});
