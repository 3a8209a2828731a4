import { decodeRemainingLength } from './codec.ts';

export interface Frame {
  type: number;
  flags: number;
  body: string;
}

/**
 * Reassembles MQTT frames from socket reads: a read may hold part of a frame, several frames,
 * or both. Keeps the unparsed tail between reads.
 */
export class FrameParser {
  buffer: string;
  maxBytes: number;

  constructor(maxBytes: number) {
    this.buffer = '';
    this.maxBytes = maxBytes;
  }

  /** Returns every frame completed by this chunk; throws on a malformed or oversized frame. */
  push(chunk: string): Frame[] {
    this.buffer += chunk;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffer.length < 2) break;
      const length = decodeRemainingLength(this.buffer, 1);
      if (length === null) break;
      if (length.value < 0) throw new Error('malformed length');
      if (length.value > this.maxBytes) throw new Error('frame too large');
      const start = 1 + length.size;
      const end = start + length.value;
      if (this.buffer.length < end) break;
      const first = this.buffer.charCodeAt(0);
      frames.push({ type: first >> 4, flags: first & 15, body: this.buffer.substring(start, end) });
      this.buffer = this.buffer.substr(end);
    }
    return frames;
  }
}
