// The benchmark's comparison picture: one bar per engine and fault, values and the unsafe figures
// labelled, a fault never recovered from drawn as an outlined "none" bar, text escaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize, type TrialFigures } from '../../helpers/bed/figures.ts';
import { gapBarsSvg } from '../../helpers/bed/gap-bars-svg.ts';

const t = (engine: string, fault: string, gapMs: number | undefined, lost: number | undefined, twoPrimariesMs: number): TrialFigures =>
  ({ engine, fault, gapMs, lost, twoPrimariesMs });

const ENGINES = ['pgbeat', 'heartbeat <3.0.6>'];
const cells = summarize([
  t('pgbeat', 'power loss', 1200, 0, 0), t('heartbeat <3.0.6>', 'power loss', 3600, 3, 250),
  t('pgbeat', 'postmaster crash', 4100, 0, 0), t('heartbeat <3.0.6>', 'postmaster crash', undefined, undefined, 0),
], ENGINES, ['power loss', 'postmaster crash']);
const svg = gapBarsSvg(cells, ENGINES, 'Failover & co');

describe('gapBarsSvg()', () => {
  it('is one SVG document with the title escaped', () => {
    assert.match(svg, /^<\?xml [^\n]*\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.match(svg, />Failover &amp; co</);
  });

  it('draws a filled bar with its value for each recovered engine and fault', () => {
    const filled = [...svg.matchAll(/<rect [^>]*fill="#[0-9a-f]{6}"><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    assert.deepEqual(filled, ['pgbeat, power loss: 1.20 s', 'heartbeat &lt;3.0.6&gt;, power loss: 3.60 s', 'pgbeat, postmaster crash: 4.10 s']);
  });

  it('draws an outlined bar marked none where writes never came back', () => {
    assert.match(svg, /fill="none" stroke="#dd6b20" stroke-dasharray="4 3"><title>heartbeat &lt;3\.0\.6&gt;, postmaster crash: no write acknowledged again</);
    assert.match(svg, />none</);
  });

  it('labels lost writes and time with two primaries, only where not zero', () => {
    assert.match(svg, />lost 3, 2P 250 ms</);
    assert.equal(svg.match(/>lost /g)?.length, 1);
  });

  it('has both faults on the x axis, a y axis in seconds and a legend of the engines', () => {
    assert.match(svg, />power loss</);
    assert.match(svg, />postmaster crash</);
    assert.match(svg, />fault to first acknowledged write \(s\)</);
    for (const e of ['pgbeat', 'heartbeat &lt;3.0.6&gt;']) assert.match(svg, new RegExp(`<text [^>]*>${e}</text>`));
  });
});
