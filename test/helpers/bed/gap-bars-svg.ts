// The failover benchmark's comparison picture (pure): per fault, one bar per engine of the median gap
// (fault to the first acknowledged write through the VIP), labelled with its value and, where writes
// were lost or two primaries acknowledged, with those too; a fault an engine never recovered from
// draws a full-height outlined bar marked "none". An SVG a browser shows as is, like svg.ts's.
import type { Cell } from './figures.ts';

const COLORS = ['#2b6cb0', '#dd6b20', '#38a169', '#718096'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An SVG document of the cells' median gaps, faults along x in first-seen order, engines in `engines`' order. */
export const gapBarsSvg = (cells: readonly Cell[], engines: readonly string[], title: string): string => {
  const faults = [...new Set(cells.map((c) => c.fault))];
  const W = 960;
  const H = 440;
  const m = { left: 60, right: 20, top: 60, bottom: 70 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const finite = cells.flatMap((c) => (c.gapMs !== undefined && Number.isFinite(c.gapMs) ? [c.gapMs] : []));
  const maxS = Math.max(1, ...finite.map((ms) => ms / 1000));
  const step = [0.5, 1, 2, 5, 10, 20, 60].find((s) => maxS / s <= 8) ?? 120;
  const yMax = Math.ceil((maxS * 1.15) / step) * step;
  const y = (s: number): number => m.top + ph - (Math.min(s, yMax) / yMax) * ph;
  const groupW = pw / Math.max(1, faults.length);
  const barW = Math.min(60, (groupW * 0.8) / Math.max(1, engines.length));
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(title)}</text>`);
  parts.push(`<text x="${W / 2}" y="42" text-anchor="middle" font-size="12" fill="#444">median gap per engine and fault; under a bar: lost writes and time with two primaries when not zero</text>`);
  faults.forEach((fault, fi) => {
    const gx = m.left + fi * groupW;
    const x0 = gx + (groupW - barW * engines.length) / 2;
    engines.forEach((engine, ei) => {
      const c = cells.find((x) => x.fault === fault && x.engine === engine);
      if (!c || c.gapMs === undefined) return;
      const x = x0 + ei * barW;
      const color = COLORS[ei % COLORS.length]!;
      const never = !Number.isFinite(c.gapMs);
      const s = never ? yMax : c.gapMs / 1000;
      const label = never ? 'none' : `${s.toFixed(s < 10 ? 2 : 1)} s`;
      const extra = [c.lost ? `lost ${c.lost}` : '', c.twoPrimariesMs ? `2P ${Math.round(c.twoPrimariesMs)} ms` : ''].filter(Boolean).join(', ');
      parts.push(never
        ? `<rect x="${(x + 2).toFixed(1)}" y="${y(s).toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${(m.top + ph - y(s)).toFixed(1)}" fill="none" stroke="${color}" stroke-dasharray="4 3"><title>${esc(`${engine}, ${fault}: no write acknowledged again`)}</title></rect>`
        : `<rect x="${(x + 2).toFixed(1)}" y="${y(s).toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${(m.top + ph - y(s)).toFixed(1)}" fill="${color}"><title>${esc(`${engine}, ${fault}: ${label}`)}</title></rect>`);
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(y(s) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${esc(label)}</text>`);
      if (extra) parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${m.top + ph + 30}" text-anchor="middle" font-size="9" fill="#c53030">${esc(extra)}</text>`);
    });
    parts.push(`<text x="${(gx + groupW / 2).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle" font-size="12">${esc(fault)}</text>`);
  });
  parts.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="black"/>`);
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="black"/>`);
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    parts.push(`<line x1="${m.left - 5}" y1="${y(v).toFixed(1)}" x2="${m.left}" y2="${y(v).toFixed(1)}" stroke="black"/>`);
    parts.push(`<text x="${m.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${Number(v.toFixed(1))}</text>`);
  }
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">fault to first acknowledged write (s)</text>`);
  engines.forEach((engine, i) => {
    const lx = m.left + 10 + i * 200;
    const ly = H - 18;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 14}" y="${ly}" font-size="11">${esc(engine)}</text>`);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
};
