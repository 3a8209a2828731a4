import { createHash } from 'node:crypto';
import { DEFAULT_BLOCK_BYTES, streamName } from './pending.ts';
import type { FirmwareImage } from './ports.ts';

/** An image's record and its blocks, as every FirmwareImageStore adapter stores them. */
export function cutImage(
  brandId: string,
  fw: number,
  bytes: Uint8Array,
  createdAt: string,
): { image: FirmwareImage; blocks: Uint8Array[] } {
  const block = DEFAULT_BLOCK_BYTES;
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += block) blocks.push(bytes.slice(at, at + block));
  const image: FirmwareImage = {
    fw,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    block,
    stream: streamName(brandId, fw),
    createdAt,
  };
  return { image, blocks };
}
