/**
 * What a press costs in DynamoDB write units, as AWS bills them: the bench's fully guarded
 * button stays under 1 KB with an open order on it, and the order item enters no index when it
 * is created (the household list reads open orders from the button, the sweep its timer items).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BillingMeter } from '../../bench/billing-meter.ts';
import {
  buttonOf,
  claimedButtons,
  commitRelay,
  deviceId,
  pipelineRow,
  seedButtons,
  signedPresses,
} from '../../bench/pipeline-rows.ts';
import { type DynaliteServer, startDynalite } from '../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { keys } from '../../cloud/store/dynamo/table-keys.ts';

// As many as `npm run cost` presses: device ids as long as the bench's.
const PRESSES = 200;

let server: DynaliteServer;
let table: Table;
let images: Table;
let meter: BillingMeter;
beforeAll(async () => {
  server = await startDynalite();
  table = openTable({ tableName: 'press-units', endpoint: server.endpoint });
  await ensureTable(table);
  await seedButtons(table, PRESSES);
  images = openTable({ tableName: 'press-units', endpoint: server.endpoint });
  meter = new BillingMeter(images.raw);
  meter.attach(table.raw);
});
afterAll(async () => {
  table.raw.destroy();
  images.raw.destroy();
  await server.close();
});

it('an ordering press writes at most 2 units and no index entry', async () => {
  const press = pipelineRow(table);
  // The commit relay's order item counts too (the stream Lambda writes it after the ack).
  const relay = commitRelay(table);
  for (const payload of signedPresses(PRESSES)) {
    await press(payload);
    const [claimed] = await claimedButtons(images, [buttonOf(payload)]);
    if (claimed) await relay(claimed);
  }
  expect({
    items: meter.writeUnits / PRESSES,
    index: meter.indexWriteUnits / PRESSES,
  }).toEqual({ items: 2, index: 0 });
  const button = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: keys.button(deviceId(0)) }),
  );
  expect(button.Item?.open).toHaveLength(1);
});
