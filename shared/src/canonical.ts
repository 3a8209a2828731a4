import { CONTRACT_VERSION } from './constants.ts';

/**
 * The one canonical form that is signed. Each field is written as a netstring
 * (`<length>:<value>,`), so the encoding is injective whatever characters a value holds:
 * no two different messages share a canonical string. A distinct first line per message type
 * keeps a press signature from ever passing as an ack signature.
 */
export function netstring(value: string): string {
  return `${value.length}:${value},`;
}

export interface PressFields {
  v: number;
  device: string;
  seq: number;
  click: string;
  battery_mv: number;
  attempt: number;
  kv: number;
}

export interface AckFields {
  v: number;
  device: string;
  seq: number;
  outcome: string;
  order?: string | undefined;
  kv: number;
}

export function canonicalPress(p: PressFields): string {
  return (
    `restock-press/${CONTRACT_VERSION}\n` +
    netstring(String(p.v)) +
    netstring(p.device) +
    netstring(String(p.seq)) +
    netstring(p.click) +
    netstring(String(p.battery_mv)) +
    netstring(String(p.attempt)) +
    netstring(String(p.kv))
  );
}

/** An absent order id is written as an empty netstring; real order ids are never empty. */
export function canonicalAck(a: AckFields): string {
  return (
    `restock-ack/${CONTRACT_VERSION}\n` +
    netstring(String(a.v)) +
    netstring(a.device) +
    netstring(String(a.seq)) +
    netstring(a.outcome) +
    netstring(a.order === undefined ? '' : a.order) +
    netstring(String(a.kv))
  );
}
