/**
 * The one canonical form that is signed. Each field is written as a netstring
 * (`<length>:<value>,`), so the encoding is injective whatever characters a value holds:
 * no two different messages share a canonical string. A distinct first line per message type
 * and contract version keeps a press signature from ever passing as an ack or manifest
 * signature, and a version 1 signature from passing as a version 2 one.
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
  /** Version 2 only: the running firmware and the settings version it applied. */
  fw?: number | undefined;
  cfg?: number | undefined;
}

export interface AckFields {
  v: number;
  device: string;
  seq: number;
  outcome: string;
  order?: string | undefined;
  kv: number;
  /** Version 2 only: UpdateFlag bits, absent when nothing waits. */
  upd?: number | undefined;
}

export interface ManifestFields {
  v: number;
  device: string;
  job: string;
  fw: number;
  size: number;
  sha256: string;
  stream: string;
  block: number;
  kv: number;
}

/** An absent optional value is written as an empty netstring; present ones are never empty. */
const optional = (value: string | number | undefined) =>
  netstring(value === undefined ? '' : String(value));

export function canonicalPress(p: PressFields): string {
  const v1 =
    netstring(String(p.v)) +
    netstring(p.device) +
    netstring(String(p.seq)) +
    netstring(p.click) +
    netstring(String(p.battery_mv)) +
    netstring(String(p.attempt)) +
    netstring(String(p.kv));
  if (p.v === 1) return `restock-press/1\n${v1}`;
  return `restock-press/${p.v}\n${v1}${optional(p.fw)}${optional(p.cfg)}`;
}

export function canonicalAck(a: AckFields): string {
  const v1 =
    netstring(String(a.v)) +
    netstring(a.device) +
    netstring(String(a.seq)) +
    netstring(a.outcome) +
    optional(a.order) +
    netstring(String(a.kv));
  if (a.v === 1) return `restock-ack/1\n${v1}`;
  return `restock-ack/${a.v}\n${v1}${optional(a.upd)}`;
}

export function canonicalManifest(m: ManifestFields): string {
  return (
    `restock-manifest/${m.v}\n` +
    netstring(String(m.v)) +
    netstring(m.device) +
    netstring(m.job) +
    netstring(String(m.fw)) +
    netstring(String(m.size)) +
    netstring(m.sha256) +
    netstring(m.stream) +
    netstring(String(m.block)) +
    netstring(String(m.kv))
  );
}
