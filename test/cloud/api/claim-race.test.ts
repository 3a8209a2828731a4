/** Two households claim one code at the same time: exactly one wins, the other gets 409. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { openDynamo } from '../../helpers/stores.ts';
import { seed } from './helpers/fixture.ts';
import { ApiHarness } from './helpers/harness.ts';

let server: DynaliteServer;
beforeAll(async () => {
  server = await startDynalite();
});
afterAll(() => server.close());

it('lets exactly one of two concurrent claims win, every time', async () => {
  const h = await ApiHarness.open(await openDynamo(server.endpoint));
  const f = await seed(h);
  const batch = await h.call('POST', '/v1/brand/buttons', {
    token: f.tokens.acme,
    body: {
      buttons: Array.from({ length: 10 }, (_, i) => ({ deviceId: `race-${i}`, serial: `R${i}` })),
    },
  });
  expect(batch.status).toBe(201);
  for (const { deviceId, claimCode } of batch.body.buttons) {
    const replies = await Promise.all(
      [f.tokens.hh1, f.tokens.hh2].map((token) =>
        h.call('POST', '/v1/household/claims', { token, body: { claimCode } }),
      ),
    );
    const statuses = replies.map((r: { status: unknown }) => r.status).sort();
    expect(statuses, deviceId).toEqual([201, 409]);
    const winner = replies[replies.findIndex((r) => r.status === 201)] as (typeof replies)[0];
    const owner = await h.call('GET', `/v1/support/buttons/${deviceId}`, {
      token: f.tokens.support,
    });
    const winnerToken = replies[0] === winner ? 'hh-1' : 'hh-2';
    expect(owner.body.householdId).toBe(winnerToken);
  }
  await h.close();
});
