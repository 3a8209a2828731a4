/**
 * The local MQTT broker: aedes on plain TCP (development) and mutual TLS (the development CA),
 * with identities, authorisation and limits as AWS IoT Core applies them (see policy.ts and
 * mqtt-limits.ts). Everything a client is refused is logged once, with its client id (or its
 * address, before a CONNECT was read) and the reason, never with its password.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import { isDeviceId, mqttPasswordFor, type Sha256 } from '#shared/index';
import type { KeySource, Log } from '../../core/ports.ts';
import type { DeviceDirectory } from './device-directory.ts';
import { MqttRefusedError } from './errors.ts';
import { guardMqttFrames } from './mqtt-frame-guard.ts';
import {
  CONNACK,
  type ConnectRefusal,
  connectRefusal,
  publishRefusal,
  subscribeRefusal,
  willRefusal,
} from './packet-rules.ts';
import { describeIdentity, type Identity, type ServiceIdentity } from './policy.ts';

export interface BrokerPolicyDeps {
  directory: DeviceDirectory;
  keySource: KeySource;
  sha256: Sha256;
  services?: readonly ServiceIdentity[];
  log: Log;
}

/** The aedes hooks that enforce the policy, and a way to ask who a connected client is. */
export function createBrokerPolicy(deps: BrokerPolicyDeps) {
  const identities = new WeakMap<Client, Identity>();
  // What authenticate() needs from the CONNECT and aedes does not pass on (the will, and the
  // client id as sent: aedes replaces an empty one with a generated id before authenticate).
  const connects = new WeakMap<Client, ConnectPacket>();
  const services = new Map((deps.services ?? []).map((s) => [s.name, s]));

  const refuseConnect = (
    client: Client,
    transport: string,
    reason: string,
    returnCode: number,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) => {
    // The client id as sent: aedes replaces an empty one with a generated id.
    const clientId = connects.get(client)?.clientId ?? client.id;
    deps.log.warn('mqtt connect refused', { clientId, transport, reason });
    const error = new MqttRefusedError(reason, returnCode) as AuthenticateError;
    done(error, false);
  };

  async function identify(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Identity | ConnectRefusal> {
    const packet = connects.get(client);
    const refused = connectRefusal(packet);
    if (refused) return refused;
    const identity = await identifyCredentials(client, username, password);
    if ('refuse' in identity) return identity;
    return willRefusal(identity, packet?.will) ?? identity;
  }

  async function identifyCredentials(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Identity | ConnectRefusal> {
    const conn = client.conn;
    if (conn instanceof TLSSocket) {
      // The TLS server lets certificates the development CA did not sign through to here, so
      // that their client gets CONNACK 5 with a logged reason rather than a bare EOF.
      if (!conn.authorized) {
        const why = conn.authorizationError ? ` (${String(conn.authorizationError)})` : '';
        return { refuse: `client certificate not trusted${why}`, code: CONNACK.NOT_AUTHORIZED };
      }
      const cn = conn.getPeerCertificate().subject?.CN;
      const name = Array.isArray(cn) ? cn[0] : cn;
      if (typeof name !== 'string') return { refuse: 'client certificate has no CN', code: 5 };
      const service = services.get(name);
      if (service) return serviceIdentity(service);
      if (client.id !== name) {
        return { refuse: `client id must equal the certificate's thing name ${name}`, code: 2 };
      }
      const known = await deps.directory.lookup(name);
      if (!known) return { refuse: 'unknown thing', code: CONNACK.NOT_AUTHORIZED };
      return { kind: 'device', deviceId: name };
    }
    if (username !== undefined && services.has(username)) {
      const service = services.get(username) as ServiceIdentity;
      if (!password || !sameSecret(password.toString('utf8'), service.secret)) {
        return { refuse: 'wrong service password', code: CONNACK.BAD_USERNAME_OR_PASSWORD };
      }
      return serviceIdentity(service);
    }
    if (!isDeviceId(client.id)) {
      return { refuse: 'client id is not a thing name', code: CONNACK.IDENTIFIER_REJECTED };
    }
    if (username !== undefined && username !== client.id) {
      return { refuse: 'username must be empty or the thing name', code: 4 };
    }
    const given = password?.toString('utf8');
    const cached = await passwordCheck(client.id, given, false);
    // A remembered key version may be an old one: a mismatch looks again before refusing.
    const checked =
      cached === 'wrong password' ? await passwordCheck(client.id, given, true) : cached;
    if (checked === 'unknown thing') return { refuse: checked, code: CONNACK.NOT_AUTHORIZED };
    if (checked === 'wrong password') {
      return { refuse: checked, code: CONNACK.BAD_USERNAME_OR_PASSWORD };
    }
    if (checked !== 'ok') return { refuse: checked, code: 5 };
    return { kind: 'device', deviceId: client.id };
  }

  /** The device's password against its key version in the directory (cached unless `fresh`). */
  async function passwordCheck(deviceId: string, given: string | undefined, fresh: boolean) {
    const known = await deps.directory.lookup(deviceId, { fresh });
    if (!known) return 'unknown thing';
    const key = await deps.keySource.deviceKey(deviceId, known.keyVersion);
    if (!key) return `no master key version ${known.keyVersion}`;
    const expected = mqttPasswordFor(deps.sha256, key);
    return given !== undefined && sameSecret(given, expected) ? 'ok' : 'wrong password';
  }

  return {
    identityOf: (client: Client): Identity | undefined => identities.get(client),

    /**
     * MQTT 3.1.1 only, as our clients speak it: MQTT 3.1 (protocol level 3) gets CONNACK 1. (AWS
     * IoT Core also speaks MQTT 5, which aedes does not.)
     */
    preConnect(
      client: Client,
      packet: ConnectPacket,
      callback: (error: Error | null, success: boolean) => void,
    ): void {
      connects.set(client, packet);
      if (packet.protocolVersion === 4) {
        callback(null, true);
        return;
      }
      const reason = `MQTT protocol level ${packet.protocolVersion} (only 4, MQTT 3.1.1)`;
      deps.log.warn('mqtt connect refused', {
        clientId: packet.clientId,
        transport: transportOf(client),
        reason,
      });
      client.conn.write(Buffer.from([0x20, 2, 0, CONNACK.UNACCEPTABLE_PROTOCOL_VERSION]), () =>
        callback(new MqttRefusedError(reason, CONNACK.UNACCEPTABLE_PROTOCOL_VERSION), false),
      );
    },

    authenticate(
      client: Client,
      username: string | undefined,
      password: Buffer | undefined,
      done: (error: AuthenticateError | null, success: boolean | null) => void,
    ): void {
      const transport = transportOf(client);
      identify(client, username, password).then(
        (result) => {
          if ('refuse' in result) {
            refuseConnect(client, transport, result.refuse, result.code, done);
            return;
          }
          identities.set(client, result);
          deps.log.info('mqtt connected', {
            clientId: client.id,
            transport,
            as: describeIdentity(result),
          });
          done(null, true);
        },
        (error: unknown) => {
          deps.log.error('mqtt connect check failed', {
            clientId: client.id,
            error: String(error),
          });
          refuseConnect(
            client,
            transport,
            'identity check failed',
            CONNACK.SERVER_UNAVAILABLE,
            done,
          );
        },
      );
    },

    /** A refused publish disconnects the client, as AWS IoT Core does. */
    authorizePublish(
      client: Client | null,
      packet: { topic: string; payload: Buffer | string },
      callback: (error?: Error | null) => void,
    ): void {
      // client null: the broker's own publishes (acks).
      if (client === null) {
        callback(null);
        return;
      }
      const reason = publishRefusal(identities.get(client), packet);
      if (reason === null) {
        callback(null);
        return;
      }
      deps.log.warn('mqtt publish refused', { clientId: client.id, topic: packet.topic, reason });
      callback(new MqttRefusedError(reason));
    },

    /** A refused subscription is answered with SUBACK 0x80 (failure); the client stays connected. */
    authorizeSubscribe<S extends { topic: string; qos: number }>(
      client: Client,
      subscription: S,
      callback: (error: Error | null, subscription?: S | null) => void,
    ): void {
      const reason = subscribeRefusal(identities.get(client), subscription);
      if (reason === null) {
        callback(null, subscription);
        return;
      }
      deps.log.warn('mqtt subscribe refused', {
        clientId: client.id,
        topic: subscription.topic,
        reason,
      });
      callback(null, null);
    },
  };
}

const transportOf = (client: Client) => (client.conn instanceof TLSSocket ? 'tls' : 'tcp');

function serviceIdentity(service: ServiceIdentity): Identity {
  return {
    kind: 'service',
    name: service.name,
    publish: service.publish,
    subscribe: service.subscribe,
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface BrokerOptions {
  host: string;
  /** Plain TCP port; 0 picks a free one; null disables plain TCP. */
  port: number | null;
  /** Mutual-TLS port; 0 picks a free one; null disables TLS. */
  tlsPort: number | null;
  tls?: { caCertPem: string; certPem: string; keyPem: string };
  policy: ReturnType<typeof createBrokerPolicy>;
  log: Log;
}

export interface RunningBroker {
  aedes: Aedes;
  /** The bound ports (resolved where 0 was asked for). */
  port: number | null;
  tlsPort: number | null;
  close(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const aedes = await Aedes.createBroker({
    preConnect: options.policy.preConnect,
    authenticate: options.policy.authenticate,
    authorizePublish: options.policy.authorizePublish,
    authorizeSubscribe: options.policy.authorizeSubscribe,
    connectTimeout: 10_000,
  });
  aedes.on('clientError', (client, error) => {
    if (error instanceof MqttRefusedError) return; // logged by the policy already
    options.log.info('mqtt client error', { clientId: client.id, error: error.message });
  });
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const accept = (socket: Socket, transport: 'tcp' | 'tls') => {
    // Small request/response messages: without this, Nagle and delayed ACKs add ~40 ms each way.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const remote = remoteOf(socket);
    guardMqttFrames(socket, (reason) =>
      options.log.warn('mqtt connection refused', { transport, remote, reason }),
    );
    aedes.handle(socket);
  };
  try {
    let port: number | null = null;
    let tlsPort: number | null = null;
    if (options.port !== null) {
      const server = createServer((socket) => accept(socket, 'tcp'));
      servers.push(server);
      port = await listen(server, options.host, options.port);
    }
    if (options.tlsPort !== null) {
      if (!options.tls) throw new Error('a TLS port needs the development CA material');
      const server = createTlsServer(
        {
          ca: options.tls.caCertPem,
          cert: options.tls.certPem,
          key: options.tls.keyPem,
          requestCert: true,
          // An untrusted certificate completes the handshake so that the client learns why it
          // is refused (CONNACK 5, not a bare EOF); the policy refuses it before anything else.
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
        },
        (socket) => accept(socket, 'tls'),
      );
      server.on('tlsClientError', (error, socket) => {
        options.log.warn('mqtt tls handshake refused', {
          remote: remoteOf(socket),
          reason: error.message.trim(), // OpenSSL's messages end in a newline
        });
      });
      servers.push(server);
      tlsPort = await listen(server, options.host, options.tlsPort);
    }
    return {
      aedes,
      port,
      tlsPort,
      close: async () => {
        const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await Promise.all(closed);
      },
    };
  } catch (error) {
    for (const s of servers) s.close();
    aedes.close();
    throw error;
  }
}

/**
 * The peer's address; a TLS socket whose handshake failed has lost its own handle by the time
 * the error is reported, so its underlying TCP socket (`_parent`) is asked as well.
 */
function remoteOf(socket: Socket): string {
  const peer = socket.remoteAddress ? socket : (socket as { _parent?: Socket })._parent;
  return peer?.remoteAddress ? `${peer.remoteAddress}:${peer.remotePort}` : 'unknown';
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
