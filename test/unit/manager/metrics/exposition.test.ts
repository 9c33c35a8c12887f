import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHelp, escapeLabelValue, formatValue, renderExposition, type MetricFamily } from '../../../../lib/manager/metrics/exposition.ts';

test('escapeLabelValue() escapes backslash, double quote and newline, nothing else', () => {
  const cases: [string, string][] = [
    ['eth0', 'eth0'],
    ['a"b', 'a\\"b'],
    ['C:\\x', 'C:\\\\x'],
    ['two\nlines', 'two\\nlines'],
    ['ucast eth0 198.51.100.2:694', 'ucast eth0 198.51.100.2:694'],
    ['\\"\n', '\\\\\\"\\n'],
  ];
  for (const [input, want] of cases) assert.equal(escapeLabelValue(input), want, JSON.stringify(input));
});

test('escapeHelp() escapes backslash and newline but leaves quotes', () => {
  assert.equal(escapeHelp('say "x"\\n\nnext'), 'say "x"\\\\n\\nnext');
});

test('formatValue() prints numbers, NaN and infinities as the format names them', () => {
  const cases: [number, string][] = [[0, '0'], [1, '1'], [-2.5, '-2.5'], [0.125, '0.125'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [2 ** 40, '1099511627776']];
  for (const [v, want] of cases) assert.equal(formatValue(v), want, String(v));
});

test('renderExposition() writes HELP, TYPE and samples per family, skips empty families, ends with a newline', () => {
  const families: MetricFamily[] = [
    { name: 'pgbeat_link_up', help: 'Whether a link is up', type: 'gauge', samples: [{ labels: { link: 'serial /dev/ttyS0' }, value: 1 }, { labels: { link: 'a"b' }, value: 0 }] },
    { name: 'pgbeat_empty', help: 'nothing', type: 'gauge', samples: [] },
    { name: 'pgbeat_dropped_packets_total', help: 'Drops', type: 'counter', samples: [{ labels: { cause: 'bad-mac' }, value: 3 }] },
    { name: 'pgbeat_agreed_epoch', help: 'Epoch', type: 'gauge', samples: [{ value: 7 }] },
  ];
  assert.equal(renderExposition(families), [
    '# HELP pgbeat_link_up Whether a link is up',
    '# TYPE pgbeat_link_up gauge',
    'pgbeat_link_up{link="serial /dev/ttyS0"} 1',
    'pgbeat_link_up{link="a\\"b"} 0',
    '# HELP pgbeat_dropped_packets_total Drops',
    '# TYPE pgbeat_dropped_packets_total counter',
    'pgbeat_dropped_packets_total{cause="bad-mac"} 3',
    '# HELP pgbeat_agreed_epoch Epoch',
    '# TYPE pgbeat_agreed_epoch gauge',
    'pgbeat_agreed_epoch 7',
    '',
  ].join('\n'));
  assert.equal(renderExposition([]), '');
});

test('renderExposition() refuses names the format does not allow', () => {
  const bad: [MetricFamily, RegExp][] = [
    [{ name: 'pgbeat-link', help: '', type: 'gauge', samples: [] }, /not a valid metric name/],
    [{ name: '1pgbeat', help: '', type: 'gauge', samples: [] }, /not a valid metric name/],
    [{ name: 'pgbeat_drops', help: '', type: 'counter', samples: [] }, /ends in _total/],
    [{ name: 'pgbeat_x', help: '', type: 'gauge', samples: [{ labels: { 'link-name': 'a' }, value: 1 }] }, /'link-name' is not a valid label name/],
    [{ name: 'pgbeat_x', help: '', type: 'gauge', samples: [{ labels: { __name__: 'a' }, value: 1 }] }, /not a valid label name/],
  ];
  for (const [f, want] of bad) assert.throws(() => renderExposition([f]), want, f.name);
  const f: MetricFamily = { name: 'pgbeat_x', help: '', type: 'gauge', samples: [{ value: 1 }] };
  assert.throws(() => renderExposition([f, f]), /twice/);
});
