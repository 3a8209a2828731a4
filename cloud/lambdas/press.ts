/**
 * Placeholder press entry point so the CDK app can bundle before the real pipeline lands.
 * Contract: the IoT rule invokes it with `{ payload (base64 MQTT payload), topic, clientId,
 * receivedAt }`; the real handler verifies, orders and publishes the ack.
 */
export interface PressRuleEvent {
  payload: string;
  topic: string;
  clientId: string;
  receivedAt: number;
}

export async function handler(event: PressRuleEvent): Promise<void> {
  throw new Error(`press pipeline not deployed yet (topic ${event.topic})`);
}
