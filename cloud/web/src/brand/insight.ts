/**
 * Insight, from the statistics the server maintains: orders per day per SKU, cancellations and
 * accidental orders per SKU, RFM segments of the brand's households (pseudonymous) and
 * retention by claim month. Each chart has its figures in a table beside it; a part this server
 * does not compute says so instead of showing a chart.
 */
import type { Api } from '../api.ts';
import { horizontalBars, stackedBars } from '../chart.ts';
import { type Child, field, fill, h, panel, table } from '../dom.ts';
import { day } from '../format.ts';
import { locale, t } from '../i18n.ts';
import type { BrandInsight } from '../types.ts';
import { bm } from './messages.ts';
import { notAvailable, type Screen } from './screen.ts';

export const insightScreen: Screen = {
  id: 'insight',
  title: () => bm().insightTitle,
  render: insightView,
};

interface Rfm {
  segments: { name: string; households: number; share: number }[];
  method: string;
}

interface Cohort {
  claimMonth: string;
  claimed: number;
  /** Share (0–1) of the cohort that bought in month k after the claim month. */
  retained: number[];
}

/** The insight as this console reads it: RFM and cohorts where the server computes them. */
type Insight = Omit<BrandInsight, 'skus'> & {
  rfm?: Rfm;
  cohorts?: Cohort[];
  skus: (BrandInsight['skus'][number] & { accidentalRate?: number })[];
};

const pct = (fraction: number) =>
  new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(fraction);

/** The figures behind a chart, folded away under a summary a keyboard can open. */
function figures(summary: string, content: Child): HTMLElement {
  return h('details', { class: 'figures' }, h('summary', {}, summary), content);
}

function legend(names: string[]): HTMLElement {
  return h(
    'ul',
    { class: 'legend' },
    names.map((name, i) =>
      h('li', {}, h('span', { class: `swatch series-${i % 6}`, 'aria-hidden': 'true' }), name),
    ),
  );
}

function insightView(api: Api): HTMLElement {
  const m = t();
  const b = bm();
  const range = panel(b.insightTitle, 'insight-range');
  const perDay = panel(b.ordersPerDaySku, 'orders-per-day');
  const cancels = panel(b.cancellationsTitle, 'cancellations');
  const rfm = panel(b.rfmTitle, 'rfm');
  const cohorts = panel(b.cohortsTitle, 'cohorts');

  const today = day(Date.now());
  const from = h('input', { type: 'date', name: 'from', value: day(Date.now() - 29 * 86_400_000) });
  const to = h('input', { type: 'date', name: 'to', value: today, max: today });
  const form = h(
    'form',
    { class: 'search' },
    field(b.fromDay, from),
    field(b.toDay, to),
    h('button', { type: 'submit' }, b.show),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  fill(range.body, form);

  async function load(): Promise<void> {
    let insight: Insight;
    try {
      insight = await api.get<Insight>(
        `/v1/brand/insight?from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`,
      );
    } catch (error) {
      range.say((error as Error).message, 'error');
      return;
    }
    range.say(b.insightRange(insight.from, insight.to));
    renderPerDay(insight);
    renderCancels(insight);
    renderRfm(insight.rfm);
    renderCohorts(insight.cohorts);
  }

  function renderPerDay(insight: Insight): void {
    const labels: string[] = [];
    for (let at = Date.parse(insight.from); day(at) <= insight.to; at += 86_400_000) {
      labels.push(day(at));
    }
    const skuIds = [...new Set(insight.days.map((d) => d.skuId))].sort();
    const series = skuIds.map((skuId) => ({
      name: skuId,
      values: labels.map(
        (label) => insight.days.find((d) => d.day === label && d.skuId === skuId)?.orders ?? 0,
      ),
    }));
    const total = insight.days.reduce((sum, d) => sum + d.orders, 0);
    if (total === 0) {
      fill(perDay.body, h('p', { class: 'empty' }, b.noOrdersInRange));
      return;
    }
    fill(
      perDay.body,
      stackedBars(labels, series, b.perDayLabel(total, skuIds.length, insight.from, insight.to)),
      legend(skuIds),
      figures(
        b.showFigures,
        table(
          b.ordersPerDaySku,
          [
            [b.dayColumn, (d) => d.day],
            [m.sku, (d) => h('code', {}, d.skuId)],
            [m.orders, (d) => d.orders],
            [b.cancelled, (d) => d.cancelled],
          ],
          insight.days,
          '',
        ),
      ),
    );
  }

  function renderCancels(insight: Insight): void {
    if (insight.skus.length === 0) {
      fill(cancels.body, h('p', { class: 'empty' }, b.noOrdersInRange));
      return;
    }
    const accidental = insight.skus.some((s) => s.accidentalRate !== undefined);
    fill(
      cancels.body,
      horizontalBars(
        insight.skus.map((s) => ({
          label: s.skuId,
          value: s.cancellationRate,
          text: pct(s.cancellationRate),
        })),
        b.cancelRateLabel,
        0.01,
      ),
      table(
        b.cancellationsTitle,
        [
          [m.sku, (s) => h('code', {}, s.skuId)],
          [m.orders, (s) => s.orders],
          [b.cancelled, (s) => s.cancelled],
          [b.cancellationRate, (s) => pct(s.cancellationRate)],
          ...(accidental
            ? ([[b.accidentalRate, (s) => pct(s.accidentalRate ?? 0)]] as [
                string,
                (s: Insight['skus'][number]) => string,
              ][])
            : []),
        ],
        insight.skus,
        '',
      ),
      accidental ? null : h('p', { class: 'hint' }, b.accidentalNotComputed),
    );
  }

  function renderRfm(data: Rfm | undefined): void {
    if (!data) {
      notAvailable(rfm, b.rfmTitle);
      return;
    }
    fill(
      rfm.body,
      h('p', { class: 'hint' }, b.rfmMethod(data.method)),
      data.segments.length === 0
        ? h('p', { class: 'empty' }, b.noHouseholds)
        : [
            horizontalBars(
              data.segments.map((s) => ({ label: s.name, value: s.share, text: pct(s.share) })),
              b.rfmLabel,
            ),
            figures(
              b.showFigures,
              table(
                b.rfmTitle,
                [
                  [b.segment, (s) => s.name],
                  [b.households, (s) => s.households],
                  [b.share, (s) => pct(s.share)],
                ],
                data.segments,
                '',
              ),
            ),
          ],
    );
  }

  function renderCohorts(data: Cohort[] | undefined): void {
    if (!data) {
      notAvailable(cohorts, b.cohortsTitle);
      return;
    }
    if (data.length === 0) {
      fill(cohorts.body, h('p', { class: 'empty' }, b.noCohorts));
      return;
    }
    const months = Math.max(...data.map((c) => c.retained.length));
    const offsets = Array.from({ length: months }, (_, i) => i);
    const cell = (c: Cohort, i: number) => {
      const share = c.retained[i];
      if (share === undefined) return '';
      // Shaded by share through the CSSOM (the page's CSP allows no inline style attribute).
      const el = h('span', { class: 'heat' }, pct(share));
      el.style.setProperty('--share', share.toFixed(2));
      return el;
    };
    fill(
      cohorts.body,
      h('p', { class: 'hint' }, b.cohortsExplained),
      table<Cohort>(
        b.cohortsTitle,
        [
          [b.claimMonth, (c) => c.claimMonth],
          [b.claimed, (c) => c.claimed],
          ...offsets.map(
            (i) => [b.monthOffset(i), (c: Cohort) => cell(c, i)] as [string, (c: Cohort) => Child],
          ),
        ],
        data,
        '',
        (c) => ({ 'data-cohort': c.claimMonth }),
      ),
    );
  }

  void load();
  return h('div', { class: 'view' }, range.el, perDay.el, cancels.el, rfm.el, cohorts.el);
}
