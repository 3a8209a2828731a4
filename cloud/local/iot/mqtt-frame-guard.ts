/**
 * Reads MQTT fixed headers as bytes arrive and refuses a connection from the header alone,
 * before the packet is buffered: aedes collects a whole packet in memory before any hook sees
 * it, so a CONNECT that declares 250 MB would cost 250 MB before authentication ran.
 */
import type { Socket } from 'node:net';
import { MAX_PACKET_BYTES, MQTT_LIMITS } from './mqtt-limits.ts';

const CONNECT = 1;
const PUBLISH = 3;
/** The remaining length is a varint of at most four bytes (MQTT 3.1.1 §2.2.3). */
const MAX_LENGTH_BYTES = 4;

export class MqttFrameGuard {
  private packets = 0;
  private header: number | null = null;
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;

  /** The reason to refuse the connection, or null while every header read so far is acceptable. */
  inspect(chunk: Uint8Array): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const skipped = Math.min(this.bodyLeft, chunk.length - i);
        i += skipped;
        this.bodyLeft -= skipped;
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.header === null) {
        this.header = byte;
        this.length = 0;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes === MAX_LENGTH_BYTES) return 'malformed remaining length';
        continue;
      }
      const refusal = refusalFor(this.header, this.length, this.packets === 0);
      if (refusal) return refusal;
      this.packets++;
      this.header = null;
      this.bodyLeft = this.length;
    }
    return null;
  }
}

function refusalFor(header: number, length: number, first: boolean): string | null {
  const type = header >> 4;
  if (first) {
    if (type !== CONNECT) return 'the first packet is not a CONNECT';
    if (length > MQTT_LIMITS.connectPacketBytes) {
      return `CONNECT of ${length} bytes exceeds ${MQTT_LIMITS.connectPacketBytes}`;
    }
    return null;
  }
  if (length > MAX_PACKET_BYTES) return `packet of ${length} bytes exceeds ${MAX_PACKET_BYTES}`;
  if (type === PUBLISH && ((header >> 1) & 3) > 1) return 'QoS 2 is not supported';
  return null;
}

/**
 * Puts a guard between the socket and aedes, which reads with `socket.read()` on 'readable':
 * each chunk is inspected as aedes takes it, and a refused connection is destroyed before the
 * chunk reaches the MQTT parser. The socket itself stays what aedes sees (TLS identity intact).
 */
export function guardMqttFrames(socket: Socket, onRefused: (reason: string) => void): void {
  const guard = new MqttFrameGuard();
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk: unknown = read(size);
    if (!(chunk instanceof Uint8Array)) return chunk;
    const refusal = guard.inspect(chunk);
    if (refusal === null) return chunk;
    onRefused(refusal);
    socket.destroy();
    return null;
  };
}
