/**
 * The broker's limits: AWS IoT Core's documented message broker quotas, so that what works
 * against the local stack also works against AWS (the README lists each beside AWS's figure).
 */
export const MQTT_LIMITS = {
  /** AWS IoT Core: the payload of a PUBLISH is at most 128 KB. */
  payloadBytes: 128 * 1024,
  /** AWS IoT Core: a client id is at most 128 bytes. */
  clientIdBytes: 128,
  /** AWS IoT Core: a topic is at most 256 bytes. */
  topicBytes: 256,
  /**
   * The first packet, the CONNECT, before anyone is authenticated: client id, user name,
   * password, will topic and will message. Ours need about 250 bytes.
   */
  connectPacketBytes: 2 * 1024,
} as const;

/** Largest packet after CONNACK: a maximal PUBLISH (topic length, topic, packet id, payload). */
export const MAX_PACKET_BYTES = 2 + MQTT_LIMITS.topicBytes + 2 + MQTT_LIMITS.payloadBytes;
