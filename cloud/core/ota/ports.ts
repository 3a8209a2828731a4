/**
 * Ports for firmware updates and button settings delivered over the air. The core (rollouts,
 * the delivery responder, the press path) takes these as arguments; memory and DynamoDB
 * adapters pass one contract suite.
 */

/** Where one button stands in one update; `switched`, `rolled_back` and `failed` are terminal. */
export type UpdateState =
  | 'pending'
  | 'downloading'
  | 'verifying'
  | 'switched'
  | 'rolled_back'
  | 'failed';

/** A firmware image as stored, cut into `block`-byte blocks served on `stream`. */
export interface FirmwareImage {
  fw: number;
  size: number;
  /** SHA-256 of the whole image, 64 lowercase hex characters. */
  sha256: string;
  block: number;
  stream: string;
  createdAt: string;
}

export interface UpdateAssignment {
  deviceId: string;
  job: string;
  fw: number;
  state: UpdateState;
  reason?: string;
  /** The last block the button reported while downloading. */
  block?: number;
  updatedAt: string;
}

/** Images are brand-scoped: a brand only ever updates its own buttons to its own images. */
export interface FirmwareImageStore {
  put(brandId: string, fw: number, bytes: Uint8Array): Promise<FirmwareImage>;
  get(brandId: string, fw: number): Promise<FirmwareImage | null>;
  readBlock(stream: string, index: number): Promise<Uint8Array | null>;
}

export interface UpdateAssignmentStore {
  /** false when the button already has an active (non-terminal) assignment. */
  assign(deviceId: string, job: string, fw: number): Promise<boolean>;
  get(deviceId: string): Promise<UpdateAssignment | null>;
  /**
   * Records progress. States only move forward; a stale state, or a job that is not the
   * button's current one, changes nothing and returns null.
   */
  report(
    deviceId: string,
    job: string,
    state: UpdateState,
    details: { reason?: string; block?: number },
  ): Promise<UpdateAssignment | null>;
  /**
   * Withdraws the job while the button has not started it (still `pending`); a button already
   * downloading or on trial finishes and reports, as AWS IoT Jobs cancels only queued executions.
   */
  cancel(deviceId: string, job: string): Promise<void>;
}

/**
 * Progress reports written on assignments and not yet applied to their rollout. The report's
 * own conditional write marks the assignment, so a crash before the rollout counted it leaves
 * the mark for the next drain; only the latest report of a button waits (states only move
 * forward, so it stands for the ones before it).
 */
export interface UpdateReportOutbox {
  /** Assignments whose latest report is not applied yet, oldest report first. */
  unappliedReports(limit: number): Promise<UpdateAssignment[]>;
  /** Clears the mark if the assignment still holds `report`; a newer report keeps it. */
  markApplied(report: UpdateAssignment): Promise<void>;
}

/** Emitted as event `update.reported` on the event outbox. */
export interface UpdateReported {
  deviceId: string;
  job: string;
  fw: number;
  state: UpdateState;
  reason?: string;
  at: string;
}

/** What a button's second click does. */
export type SecondAction = 'order' | 'cancel' | 'none';

export interface WifiNetwork {
  ssid: string;
  pass: string;
}

/** Settings a button applies at its next wake (Device Shadow `desired`); every field optional. */
export interface DeviceSettings {
  /** LED brightness, 0..100. */
  led?: number;
  doubleMs?: number;
  longMs?: number;
  double?: SecondAction;
  longCancels?: boolean;
  /** At most three networks, tried in order. */
  wifi?: WifiNetwork[];
}

export interface DesiredSettings {
  version: number;
  settings: DeviceSettings;
}

/** Settings as the button reports them (shadow `reported`), with the version it applied. */
export interface ReportedSettings extends DeviceSettings {
  cfg: number;
}

export interface DesiredSettingsStore {
  getDesired(deviceId: string): Promise<DesiredSettings | null>;
  /** Stores new desired settings and returns their version (1, 2, …). */
  setDesired(deviceId: string, settings: DeviceSettings): Promise<number>;
  recordReported(deviceId: string, reported: ReportedSettings): Promise<void>;
}
