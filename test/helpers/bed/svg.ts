// The picture of a failover (pure): acknowledged writes per bucket through the fault as stacked
// bars by node, with axes, labels, a legend and the fault marked; an SVG a browser shows as is.
import type { TrialReport } from './report.ts';

const COLORS = ['#2b6cb0', '#dd6b20', '#718096'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG document of the report's histogram; `title` goes on top. */
export const histogramSvg = (r: TrialReport, title: string): string => {
  const W = 960;
  const H = 420;
  const m = { left: 60, right: 20, top: 50, bottom: 60 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const buckets = r.histogram;
  const nodes = [...new Set(buckets.flatMap((b) => Object.keys(b.byNode)))].sort();
  const maxCount = Math.max(1, ...buckets.map((b) => Object.values(b.byNode).reduce((s, n) => s + n, 0)));
  const yMax = Math.max(5, Math.ceil(maxCount / 5) * 5);
  const t0 = buckets[0]?.at ?? 0;
  const t1 = (buckets.at(-1)?.at ?? 0) + r.bucketMs;
  const x = (t: number): number => m.left + ((t - t0) / Math.max(1, t1 - t0)) * pw;
  const y = (n: number): number => m.top + ph - (n / yMax) * ph;
  const bw = Math.max(1, (r.bucketMs / Math.max(1, t1 - t0)) * pw - 0.5);
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(title)}</text>`);
  const gap = r.gapMs === undefined ? 'no write acknowledged after the fault' : `gap ${r.gapMs} ms`;
  parts.push(`<text x="${W / 2}" y="42" text-anchor="middle" font-size="12" fill="#444">${esc(`${gap}; ${r.acknowledged} acknowledged, ${r.lost.length} lost; two nodes acknowledging writes ${r.twoAcknowledgingMs} ms`)}</text>`);
  for (const b of buckets) {
    let base = 0;
    nodes.forEach((n, i) => {
      const c = b.byNode[n] ?? 0;
      if (c === 0) return;
      parts.push(`<rect x="${x(b.at).toFixed(1)}" y="${y(base + c).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(base) - y(base + c)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${b.at} ms: ${c} on ${esc(n)}</title></rect>`);
      base += c;
    });
  }
  // Axes, ticks and labels.
  parts.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="black"/>`);
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="black"/>`);
  const span = t1 - t0;
  const step = [500, 1000, 2000, 5000, 10_000, 20_000, 60_000].find((s) => span / s <= 16) ?? 120_000;
  for (let t = Math.ceil(t0 / step) * step; t <= t1 && t - t0 < 1e7; t += step) {
    parts.push(`<line x1="${x(t).toFixed(1)}" y1="${m.top + ph}" x2="${x(t).toFixed(1)}" y2="${m.top + ph + 5}" stroke="black"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle" font-size="11">${(t / 1000).toFixed(step < 1000 ? 1 : 0)}</text>`);
  }
  for (let n = 0; n <= yMax; n += Math.max(1, yMax / 5)) {
    parts.push(`<line x1="${m.left - 5}" y1="${y(n).toFixed(1)}" x2="${m.left}" y2="${y(n).toFixed(1)}" stroke="black"/>`);
    parts.push(`<text x="${m.left - 8}" y="${(y(n) + 4).toFixed(1)}" text-anchor="end" font-size="11">${n}</text>`);
  }
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 18}" text-anchor="middle" font-size="12">time since the fault (s)</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">acknowledged writes per ${r.bucketMs} ms</text>`);
  if (0 >= t0 && 0 <= t1) {
    parts.push(`<line x1="${x(0).toFixed(1)}" y1="${m.top}" x2="${x(0).toFixed(1)}" y2="${m.top + ph}" stroke="#c53030" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${(x(0) + 4).toFixed(1)}" y="${m.top + 12}" font-size="11" fill="#c53030">fault</text>`);
  }
  nodes.forEach((n, i) => {
    const lx = m.left + pw - 120;
    const ly = m.top + 8 + i * 16;
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 14}" y="${ly + 9}" font-size="11">${esc(n)}</text>`);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
};
