/** Orders per day as an inline SVG bar chart (no library, no network). */
import { day } from './format.ts';
import { t } from './i18n.ts';

const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Bars for the last `days` days (UTC), counting `times` (epoch ms) per day. */
export function ordersPerDay(times: number[], days = 14, now = Date.now()): SVGSVGElement {
  const labels: string[] = [];
  for (let i = days - 1; i >= 0; i--) labels.push(day(now - i * 86_400_000));
  const counts = new Map(labels.map((l) => [l, 0]));
  for (const t of times) {
    const d = day(t);
    if (counts.has(d)) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const max = Math.max(1, ...counts.values());
  const width = 560;
  const height = 200;
  const pad = { left: 28, bottom: 36, top: 12 };
  const barW = (width - pad.left) / days;
  const plotH = height - pad.bottom - pad.top;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    class: 'chart',
    'aria-label': t().chartLabel(days, total),
  });
  root.append(svg('title', {}, t().chartTitle(days)));
  root.append(
    svg('line', {
      x1: pad.left,
      y1: pad.top + plotH,
      x2: width,
      y2: pad.top + plotH,
      class: 'axis',
    }),
  );
  root.append(
    svg(
      'text',
      { x: pad.left - 6, y: pad.top + 8, 'text-anchor': 'end', class: 'tick' },
      String(max),
    ),
  );
  root.append(
    svg('text', { x: pad.left - 6, y: pad.top + plotH, 'text-anchor': 'end', class: 'tick' }, '0'),
  );
  labels.forEach((label, i) => {
    const n = counts.get(label) ?? 0;
    const barH = (n / max) * plotH;
    const x = pad.left + i * barW + 3;
    const bar = svg('rect', {
      x,
      y: pad.top + plotH - barH,
      width: barW - 6,
      height: Math.max(barH, n > 0 ? 2 : 0),
      class: 'bar',
    });
    bar.append(svg('title', {}, t().barTitle(label, n)));
    root.append(bar);
    if (n > 0) {
      root.append(
        svg(
          'text',
          {
            x: x + (barW - 6) / 2,
            y: pad.top + plotH - barH - 3,
            'text-anchor': 'middle',
            class: 'value',
          },
          String(n),
        ),
      );
    }
    if ((days - 1 - i) % 2 === 0 || days <= 7) {
      root.append(
        svg(
          'text',
          { x: x + (barW - 6) / 2, y: height - 18, 'text-anchor': 'middle', class: 'tick' },
          label.slice(5),
        ),
      );
    }
  });
  return root;
}

export interface Series {
  name: string;
  /** One value per label. */
  values: number[];
}

/**
 * Stacked bars, one bar per label (a day) and one colour per series (a SKU): `series-{i}`
 * classes, matched by the legend the caller draws.
 */
export function stackedBars(labels: string[], series: Series[], label: string): SVGSVGElement {
  const width = 560;
  const height = 200;
  const pad = { left: 28, right: 18, bottom: 36, top: 12 };
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const barW = (width - pad.left - pad.right) / Math.max(1, labels.length);
  const plotH = height - pad.bottom - pad.top;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' });
  root.setAttribute('aria-label', label);
  root.append(svg('title', {}, label));
  root.append(
    svg('line', {
      x1: pad.left,
      y1: pad.top + plotH,
      x2: width - pad.right,
      y2: pad.top + plotH,
      class: 'axis',
    }),
    svg(
      'text',
      { x: pad.left - 6, y: pad.top + 8, 'text-anchor': 'end', class: 'tick' },
      String(max),
    ),
    svg('text', { x: pad.left - 6, y: pad.top + plotH, 'text-anchor': 'end', class: 'tick' }, '0'),
  );
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((name, i) => {
    const x = pad.left + i * barW + Math.min(3, barW * 0.15);
    const w = Math.max(1, barW - 2 * Math.min(3, barW * 0.15));
    let y = pad.top + plotH;
    series.forEach((s, k) => {
      const n = s.values[i] ?? 0;
      if (n === 0) return;
      const barH = (n / max) * plotH;
      y -= barH;
      const bar = svg('rect', { x, y, width: w, height: barH, class: `series-${k % 6}` });
      bar.append(svg('title', {}, `${name} · ${s.name}: ${n}`));
      root.append(bar);
    });
    if ((labels.length - 1 - i) % every === 0) {
      root.append(
        svg(
          'text',
          { x: x + w / 2, y: height - 18, 'text-anchor': 'middle', class: 'tick' },
          name.slice(5),
        ),
      );
    }
  });
  return root;
}

export interface HorizontalBar {
  label: string;
  value: number;
  /** What is written at the bar's end (the value formatted). */
  text: string;
}

/** One horizontal bar per item, its label on the left and its value at the bar's end. */
export function horizontalBars(bars: HorizontalBar[], label: string, max?: number): SVGSVGElement {
  const width = 420;
  const row = 28;
  const labelW = 120;
  const valueW = 60;
  const height = Math.max(1, bars.length) * row + 8;
  const top = Math.max(max ?? 0, ...bars.map((b) => b.value), Number.MIN_VALUE);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' });
  root.setAttribute('aria-label', label);
  root.append(svg('title', {}, label));
  bars.forEach((b, i) => {
    const y = 4 + i * row;
    const w = (b.value / top) * (width - labelW - valueW);
    root.append(
      svg('text', { x: labelW - 8, y: y + 18, 'text-anchor': 'end', class: 'label' }, b.label),
      svg('rect', {
        x: labelW,
        y: y + 3,
        width: Math.max(w, b.value > 0 ? 2 : 0),
        height: row - 8,
        class: `series-${i % 6}`,
      }),
      svg('text', { x: labelW + w + 6, y: y + 18, class: 'label' }, b.text),
    );
  });
  return root;
}
