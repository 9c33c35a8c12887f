// Prometheus text exposition (format 0.0.4): metric families with HELP and TYPE lines, samples with
// escaped labels. Pure: the HTTP listener (io/metrics-server.ts) only serves what this returns.

/** One sample of a family: its labels and value. */
export interface Sample {
  labels?: Readonly<Record<string, string>> | undefined;
  value: number;
}

/** A metric family: name, help text, type and samples (a family with no samples is left out). */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Sample[];
}

/** The content type a scraper expects for this text. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the format writes it inside double quotes: backslash, quote and newline escaped. */
export const escapeLabelValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** HELP text as the format writes it: backslash and newline escaped. */
export const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** A sample value: integers and decimals as JavaScript prints them, NaN, +Inf and -Inf by name. */
export const formatValue = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

const checkFamily = (f: MetricFamily): void => {
  if (!METRIC_NAME.test(f.name)) throw new RangeError(`Cannot expose metric '${f.name}': not a valid metric name`);
  if (f.type === 'counter' && !f.name.endsWith('_total')) throw new RangeError(`Cannot expose counter '${f.name}': a counter's name ends in _total`);
  for (const s of f.samples) {
    for (const l of Object.keys(s.labels ?? {})) {
      if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new RangeError(`Cannot expose metric '${f.name}': '${l}' is not a valid label name`);
    }
  }
};

const sampleLine = (name: string, s: Sample): string => {
  const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return `${name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${formatValue(s.value)}`;
};

/** The exposition text of `families` (each name once; throws RangeError on an invalid name or a duplicate). */
export const renderExposition = (families: readonly MetricFamily[]): string => {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const f of families) {
    checkFamily(f);
    if (seen.has(f.name)) throw new RangeError(`Cannot expose metric '${f.name}' twice`);
    seen.add(f.name);
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...f.samples.map((s) => sampleLine(f.name, s)));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
};
