/**
 * What a webhook delivery costs in DynamoDB write units: its body is most of the item, stored
 * deflated so that an order's delivery stays under 1 KB (one unit per write, not two). A delivery
 * written with a plain body by the previous version still reads and posts the same bytes.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BillingMeter } from '../../bench/billing-meter.ts';
import { orderEventsSince } from '../../cloud/core/events/order-events.ts';
import type { Order } from '../../cloud/core/model.ts';
import {
  deliveryIdOf,
  type WebhookDelivery,
  webhookBody,
} from '../../cloud/core/webhooks/webhooks.ts';
import { type DynaliteServer, startDynalite } from '../../cloud/store/dynamo/dynalite-server.ts';
import { DynamoWebhookStore } from '../../cloud/store/dynamo/dynamo-webhook-store.ts';
import { ensureTable, openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { keys } from '../../cloud/store/dynamo/table-keys.ts';
import { dynamoUnderTest } from '../helpers/stores.ts';
import { button, sku, World } from '../helpers/world.ts';

let server: DynaliteServer;
let table: Table;
let images: Table;
beforeAll(async () => {
  server = await startDynalite();
  table = openTable({ tableName: 'delivery-units', endpoint: server.endpoint });
  images = openTable({ tableName: 'delivery-units', endpoint: server.endpoint });
  await ensureTable(table);
});
afterAll(async () => {
  table.raw.destroy();
  images.raw.destroy();
  await server.close();
});

/** A confirmed order as a guarded button makes it, with a long product name in another script. */
async function confirmedOrder(): Promise<Order> {
  const store = dynamoUnderTest(table);
  await store.putSku(sku({ name: 'Café moulu pur arabica — paquet familial 1 kg (lot de 2) ☕' }));
  await store.putButton(
    button('kitchen-button-7f3a9c', {
      quietHours: { from: '22:00', to: '07:00' },
      timeZone: 'Europe/Paris',
    }),
  );
  const world = new World(store);
  const { orderId } = await world.device('kitchen-button-7f3a9c').press();
  world.clock.advance(31 * 60_000);
  await world.orders.sweep();
  const order = await store.orders.getOrder(orderId ?? '');
  if (order?.status !== 'CONFIRMED') throw new Error(`the order is ${order?.status}`);
  return order;
}

function deliveryOf(order: Order): WebhookDelivery {
  const event = orderEventsSince(order, order.history.length - 1)[0];
  if (!event) throw new Error('the order has no event');
  const endpointId = 'we_fulfilment-eu-west';
  return {
    deliveryId: deliveryIdOf(endpointId, event.eventId),
    brandId: order.brandId,
    endpointId,
    url: 'https://fulfilment.brand.example/restock/webhooks/orders',
    eventId: event.eventId,
    eventType: 'order.confirmed',
    body: webhookBody(event),
    status: 'PENDING',
    attempts: 0,
    createdAt: order.placedAt,
    nextAttemptAt: order.placedAt,
    lastAttemptAt: null,
    lastError: null,
    deliveredAt: null,
    deadAt: null,
  };
}

it("each write of an order's webhook delivery bills one unit", async () => {
  const delivery = deliveryOf(await confirmedOrder());
  expect(Buffer.byteLength(delivery.body)).toBeGreaterThan(700);
  const webhooks = new DynamoWebhookStore(table);
  const meter = new BillingMeter(images.raw);
  meter.attach(table.raw);

  expect(await webhooks.addDelivery(delivery)).toBe(true);
  const attempt = { ...delivery, attempts: 1, lastAttemptAt: delivery.createdAt + 1 };
  expect(await webhooks.updateDelivery(attempt, delivery)).toBe(true);
  const delivered = { ...attempt, status: 'DELIVERED' as const, deliveredAt: attempt.createdAt };
  expect(await webhooks.updateDelivery(delivered, attempt)).toBe(true);

  expect(meter.writeUnits).toBe(3);
  expect(await webhooks.getDelivery(delivery.brandId, delivery.deliveryId)).toEqual(delivered);
});

it('a delivery stored with a plain body reads back with the same bytes', async () => {
  const delivery = deliveryOf(await confirmedOrder());
  const previous = { ...delivery, deliveryId: 'we_1.previous-version' };
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        ...keys.webhookDelivery(previous.brandId, previous.deliveryId),
        type: 'webhookDelivery',
        ...previous,
        gsi3pk: 'HOOKDUE',
        gsi3sk: `${String(previous.nextAttemptAt).padStart(13, '0')}#${previous.deliveryId}`,
      },
    }),
  );
  const webhooks = new DynamoWebhookStore(table);
  expect(await webhooks.getDelivery(previous.brandId, previous.deliveryId)).toEqual(previous);
  expect(await webhooks.dueDeliveries(previous.nextAttemptAt, 10)).toContainEqual(previous);
});
