/**
 * RFM segments and claim-month cohorts, computed from the brand's household activity records
 * (one per household, maintained from events) — the request reads those records, never orders.
 */
import { type HouseholdActivity, monthOf } from './household-activity.ts';

const DAY_MS = 86_400_000;
/** Frequency and spend count the current month and the eleven before it. */
const YEAR_MONTHS = 12;
/** Cohort retention is given for the first year after the claim month. */
const COHORT_MONTHS = 12;

export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'new',
  'at_risk',
  'one_off',
  'lapsed',
  'not_yet_ordered',
] as const;
export type RfmSegmentName = (typeof RFM_SEGMENTS)[number];

export const RFM_METHOD =
  'Per household (pseudonymous), over delivered orders: recency R = days since the newest ' +
  'was placed, frequency F = how many were placed in the last 12 calendar months (this one ' +
  'included), monetary M = their value in those months (spendCents, by currency). ' +
  'champions: R ≤ 45 and F ≥ 4; loyal: R ≤ 120 and F ≥ 2; new: R ≤ 45 and F = 1; ' +
  'at_risk: F ≥ 2 otherwise; one_off: F = 1 otherwise; lapsed: none in the last 12 months; ' +
  'not_yet_ordered: claimed a button, nothing delivered yet. share = households ÷ all households.';

export interface RfmSegment {
  name: RfmSegmentName;
  households: number;
  share: number;
  spendCents: Record<string, number>;
}

export interface Rfm {
  segments: RfmSegment[];
  households: number;
  method: string;
}

export interface Cohort {
  claimMonth: string;
  claimed: number;
  /** retained[k]: share of the cohort with a delivered order placed in month k after the claim month (k = 0 is that month). */
  retained: number[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function segmentOf(
  activity: HouseholdActivity,
  now: number,
): { name: RfmSegmentName; spend: Record<string, number> } {
  const nowIndex = monthIndex(monthOf(now));
  const spend: Record<string, number> = {};
  let frequency = 0;
  for (const [month, counts] of Object.entries(activity.months)) {
    if (nowIndex - monthIndex(month) >= YEAR_MONTHS) continue;
    frequency += counts.orders;
    for (const [currency, cents] of Object.entries(counts.cents)) {
      spend[currency] = (spend[currency] ?? 0) + cents;
    }
  }
  if (activity.lastOrderAt === null) return { name: 'not_yet_ordered', spend };
  const recencyDays = (now - activity.lastOrderAt) / DAY_MS;
  const name: RfmSegmentName =
    frequency === 0
      ? 'lapsed'
      : recencyDays <= 45 && frequency >= 4
        ? 'champions'
        : recencyDays <= 120 && frequency >= 2
          ? 'loyal'
          : frequency >= 2
            ? 'at_risk'
            : recencyDays <= 45
              ? 'new'
              : 'one_off';
  return { name, spend };
}

export function rfmOf(records: readonly HouseholdActivity[], now: number): Rfm {
  const live = records.filter((r) => !r.erased);
  const segments = new Map<RfmSegmentName, RfmSegment>(
    RFM_SEGMENTS.map((name) => [name, { name, households: 0, share: 0, spendCents: {} }]),
  );
  for (const record of live) {
    const { name, spend } = segmentOf(record, now);
    const segment = segments.get(name) as RfmSegment;
    segment.households++;
    for (const [currency, cents] of Object.entries(spend)) {
      segment.spendCents[currency] = (segment.spendCents[currency] ?? 0) + cents;
    }
  }
  return {
    segments: [...segments.values()].map((s) => ({
      ...s,
      share: live.length === 0 ? 0 : round3(s.households / live.length),
    })),
    households: live.length,
    method: RFM_METHOD,
  };
}

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

export function cohortsOf(records: readonly HouseholdActivity[], now: number): Cohort[] {
  const nowIndex = monthIndex(monthOf(now));
  const byMonth = new Map<string, HouseholdActivity[]>();
  for (const record of records) {
    if (record.erased || record.claimMonth === null) continue;
    byMonth.set(record.claimMonth, [...(byMonth.get(record.claimMonth) ?? []), record]);
  }
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([claimMonth, members]) => {
      const start = monthIndex(claimMonth);
      const months = Math.max(0, Math.min(COHORT_MONTHS, nowIndex - start + 1));
      const active = members.map(
        (m) =>
          new Set(
            Object.entries(m.months)
              .filter(([, counts]) => counts.orders > 0)
              .map(([month]) => monthIndex(month)),
          ),
      );
      const retained = Array.from({ length: months }, (_, k) =>
        round3(active.filter((set) => set.has(start + k)).length / members.length),
      );
      return { claimMonth, claimed: members.length, retained };
    });
}
