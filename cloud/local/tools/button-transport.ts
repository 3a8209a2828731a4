/**
 * Button transports: MQTT 3.1.1 through mqtt.js to the local broker (plain TCP with the derived
 * password, or mutual TLS with the device certificate), and aws-iot-device-sdk-v2's MQTT 3.1.1
 * client for a real AWS IoT endpoint (`--aws`; loaded only when asked for).
 */
import { connect, type IClientOptions } from 'mqtt';
import { VirtualButtonError } from './errors.ts';
import type { ButtonTransport } from './virtual-button.ts';

/** SUBACK return code for a refused subscription (MQTT 3.1.1 §3.9.3). */
const SUBACK_FAILURE = 0x80;

export interface LocalTransportOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls?: { caCertPem: string; certPem: string; keyPem: string };
  connectTimeoutMs?: number;
  /** Reconnect after a lost connection (the firmware would retry on its next wake). */
  reconnectMs?: number;
}

export async function connectLocalTransport(
  options: LocalTransportOptions,
): Promise<ButtonTransport> {
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  const clientOptions: IClientOptions = {
    protocolVersion: 4,
    clientId: options.clientId,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    resubscribe: true,
  };
  if (options.username !== undefined) clientOptions.username = options.username;
  if (options.password !== undefined) clientOptions.password = options.password;
  if (options.tls) {
    clientOptions.ca = options.tls.caCertPem;
    clientOptions.cert = options.tls.certPem;
    clientOptions.key = options.tls.keyPem;
  }
  const client = connect(options.url, clientOptions);
  // Small request/response messages: turn Nagle off on every (re)connected socket.
  client.on('connect', () =>
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true),
  );
  const outcome = await new Promise<{ ok: true } | { ok: false; why: string; code?: number }>(
    (resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, why: 'timed out' }), timeoutMs + 500);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve({ ok: true });
      });
      client.once('error', (error) => {
        clearTimeout(timer);
        resolve({ ok: false, why: error.message, code: (error as { code?: number }).code });
      });
      // A refused TLS client sees only `close`.
      client.once('close', () => {
        clearTimeout(timer);
        resolve({ ok: false, why: 'connection closed' });
      });
    },
  );
  if (!outcome.ok) {
    client.end(true);
    throw connectError(options, outcome.why, outcome.code);
  }
  if (options.reconnectMs) client.options.reconnectPeriod = options.reconnectMs;
  client.on('error', () => undefined); // reconnects report through close/connect
  return {
    subscribe: async (topic) => {
      const granted = await client.subscribeAsync(topic, { qos: 1 });
      if (granted.some((g) => g.qos === SUBACK_FAILURE)) {
        throw new VirtualButtonError(
          'SUBSCRIBE_REFUSED',
          `the broker refused a subscription to ${topic}`,
        );
      }
    },
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    onMessage: (handler) => {
      client.on('message', (topic, payload) => handler(topic, payload.toString('utf8')));
    },
    close: async () => {
      await client.endAsync(true);
    },
  };
}

function connectError(options: LocalTransportOptions, why: string, code?: number) {
  const details = { url: options.url, clientId: options.clientId, why };
  if (code === 5 || /not authori[sz]ed/i.test(why)) {
    return new VirtualButtonError(
      'NOT_AUTHORIZED',
      `the broker does not know ${options.clientId}: press one of the demo buttons listed in the npm start banner, or register this device first`,
      details,
    );
  }
  if (code === 4 || /bad username or password/i.test(why)) {
    return new VirtualButtonError(
      'BAD_PASSWORD',
      `the broker refused the password of ${options.clientId}: use the same --data-dir as npm start (the password derives from its master key)`,
      details,
    );
  }
  return new VirtualButtonError(
    'NO_BROKER',
    `could not connect to ${options.url} (${why}): start the stack with npm start, or pass --host/--port (--tls-port with --tls) where it listens`,
    details,
  );
}

export interface AwsTransportOptions {
  /** The account's ATS endpoint, e.g. abc123-ats.iot.eu-central-1.amazonaws.com. */
  endpoint: string;
  clientId: string;
  certPath: string;
  keyPath: string;
  caPath?: string;
  /** 8883 unless given (the local broker's TLS port, to test against it). */
  port?: number;
}

/**
 * AWS IoT Core over mutual TLS with the device certificate, through aws-iot-device-sdk-v2's
 * MQTT 3.1.1 client (its MQTT 5 client is not what the firmware speaks). The tests drive it
 * against the local broker's mutual-TLS port, which applies the same policy.
 */
export async function connectAwsTransport(options: AwsTransportOptions): Promise<ButtonTransport> {
  const { iot, mqtt } = await import('aws-iot-device-sdk-v2');
  const builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(
    options.certPath,
    options.keyPath,
  )
    .with_endpoint(options.endpoint)
    .with_client_id(options.clientId)
    .with_clean_session(true)
    .with_keep_alive_seconds(30);
  if (options.caPath) builder.with_certificate_authority_from_path(undefined, options.caPath);
  if (options.port !== undefined) builder.with_port(options.port);
  const connection = new mqtt.MqttClient().new_connection(builder.build());
  const handlers: ((topic: string, payload: string) => void)[] = [];
  connection.on('message', (topic, payload) => {
    const text = Buffer.from(payload).toString('utf8');
    for (const handler of handlers) handler(topic, text);
  });
  try {
    await connection.connect();
  } catch (error) {
    throw new VirtualButtonError(
      'NO_BROKER',
      `could not connect to AWS IoT at ${options.endpoint} as ${options.clientId}: check the endpoint (aws iot describe-endpoint --endpoint-type iot:Data-ATS), that the certificate is ACTIVE and attached to the thing, and that the policy allows this client id`,
      { endpoint: options.endpoint, clientId: options.clientId },
      error,
    );
  }
  return {
    subscribe: async (topic) => {
      // aws-crt resolves a refused subscription; without this check it would look like lost acks.
      const granted = await connection.subscribe(topic, mqtt.QoS.AtLeastOnce);
      if ((granted.qos as number) === SUBACK_FAILURE || granted.error_code) {
        throw new VirtualButtonError(
          'SUBSCRIBE_REFUSED',
          `AWS IoT refused a subscription to ${topic}: check that the policy allows iot:Subscribe and iot:Receive on it`,
          { topic, granted: granted.qos, errorCode: granted.error_code },
        );
      }
    },
    publish: async (topic, payload) => {
      await connection.publish(topic, payload, mqtt.QoS.AtLeastOnce);
    },
    onMessage: (handler) => {
      handlers.push(handler);
    },
    close: async () => {
      await connection.disconnect();
    },
  };
}
