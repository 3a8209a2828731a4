/**
 * Sandbox and welcome credit on the embedded stack (`npm start`), driven over HTTP and MQTT as
 * a brand and a household would: a virtual test button orders through the stack's press
 * pipeline and is reset; a claimed button's first delivered order carries the brand's credit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer, type TokenRequest } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { connectButton, quietLog, stackConfig, tempDir } from './support.ts';

let data: Awaited<ReturnType<typeof tempDir>>;
let stack: RunningStack;
let api: string;

const token = async (request: TokenRequest) =>
  (await LocalIssuer.open(data.dir, systemClock)).sign(request);

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the assertions check its shape
async function call(method: string, path: string, bearer: string, body?: unknown): Promise<any> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  expect(response.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
  return json;
}

beforeAll(async () => {
  data = await tempDir();
  stack = await startStack(stackConfig(data.dir), { log: quietLog(), pipeline: localPipeline });
  api = `http://127.0.0.1:${stack.runtime.httpPort}`;
});

afterAll(async () => {
  await stack?.close();
  await data?.remove();
});

describe('brands on the embedded stack', () => {
  it('a virtual test button orders through the stack, stays out of fulfilment, and resets', async () => {
    const brand = await token({ role: 'brand', tenant: 'acme' });
    const { deviceId } = await call('POST', '/v1/brand/test-buttons', brand, {
      skuId: 'coffee-1kg',
    });
    const pressed = await call('POST', `/v1/brand/test-buttons/${deviceId}/press`, brand, {});
    expect(pressed).toMatchObject({ deviceId, seq: 1, outcome: 'ORDERED' });
    const listed = await call('GET', '/v1/brand/test-orders', brand);
    expect(
      listed.items.map((o: { orderId: string; test: boolean }) => [o.orderId, o.test]),
    ).toEqual([[pressed.orderId, true]]);
    const placed = await call('GET', '/v1/brand/orders?status=PLACED', brand);
    expect(placed.items.map((o: { orderId: string }) => o.orderId)).not.toContain(pressed.orderId);
    expect(await call('POST', '/v1/brand/test-orders/reset', brand)).toEqual({
      ordersDeleted: 1,
      buttonsReset: 1,
    });
    const again = await call('POST', `/v1/brand/test-buttons/${deviceId}/press`, brand, {});
    expect(again).toMatchObject({ seq: 2, outcome: 'ORDERED' });
  });

  it('the first delivered order of a newly claimed button carries the welcome credit', async () => {
    const brand = await token({ role: 'brand', tenant: 'acme' });
    const household = await token({ role: 'household', tenant: 'hh-demo' });
    await call('PUT', '/v1/brand/welcome-credits/descaler', brand, {
      amount: 499,
      currency: 'EUR',
      campaign: 'welcome',
    });
    const code = /claim code ([0-9A-Z-]+)/.exec(stack.demo.join('\n'))?.[1];
    await call('POST', '/v1/household/claims', household, { claimCode: code });
    await call('PATCH', '/v1/household/buttons/demo-3/settings', household, {
      cancelWindowMinutes: 0,
    });
    const terms = await call('GET', '/v1/household/buttons/demo-3/terms', household);
    await call('POST', '/v1/household/buttons/demo-3/terms', household, {
      priceCents: terms.unitPriceCents,
    });
    const button = await connectButton({
      dataDir: data.dir,
      deviceId: 'demo-3',
      port: stack.runtime.mqttPort,
    });
    let orderId: string;
    try {
      const report = await button.press();
      expect(report).toMatchObject({ outcome: 'ORDERED' });
      orderId = report.orderId as string;
    } finally {
      await button.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    await stack.sweepOnce();
    await call('POST', `/v1/brand/orders/${orderId}/ship`, brand);
    const delivered = await call('POST', `/v1/brand/orders/${orderId}/deliver`, brand);
    const discount = { kind: 'WELCOME_CREDIT', amount: 499, currency: 'EUR', campaign: 'welcome' };
    expect(delivered.discount).toEqual(discount);
    const seen = await call('GET', `/v1/household/orders/${orderId}`, household);
    expect(seen.discount).toEqual(discount);
  });
});
