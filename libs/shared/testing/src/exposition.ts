/**
 * A strict parser of the Prometheus text exposition format, for tests of /metrics: it rejects
 * what Prometheus would (a family declared twice, samples of a family split apart, a series
 * twice, histogram buckets that are not cumulative or lack `+Inf`, `_sum` or `_count`).
 */

const SAMPLE_SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
  counter: ['_total', '_created'],
};

export interface ParsedSample {
  /** The sample's metric name (e.g. `x_bucket` of histogram `x`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ExpositionFamily {
  name: string;
  type: string;
  help: string | null;
  samples: ParsedSample[];
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const body = text.slice(1, -1);
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < body.length) {
    const m = LABEL_PAIR.exec(body);
    if (!m) throw new SyntaxError(`bad labels: ${line}`);
    if (m[1]! in labels) throw new SyntaxError(`label ${m[1]} twice: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new SyntaxError(`bad value: ${line}`);
  return value;
}

/**
 * Parses an exposition (text format 0.0.4) and checks what Prometheus rejects or what would
 * mislead it: a family's HELP or TYPE twice or TYPE after its samples, a family's samples not
 * together, a series twice, a histogram whose buckets are not cumulative or lack `+Inf`, `_sum`
 * or `_count` (= the `+Inf` bucket). Throws a SyntaxError naming the problem. For tests and tools.
 */
export function parseExposition(text: string): Map<string, ExpositionFamily> {
  const families = new Map<string, ExpositionFamily>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current = null as ExpositionFamily | null;
  const open = (name: string): ExpositionFamily => {
    if (current?.name === name) return current;
    if (closed.has(name)) throw new SyntaxError(`the lines of ${name} are not together`);
    if (current) closed.add(current.name);
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', help: null, samples: [] }));
    current = f;
    return f;
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const meta = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(line);
    if (meta) {
      const f = open(meta[2]!);
      if (meta[1] === 'HELP') {
        if (f.help !== null) throw new SyntaxError(`HELP of ${f.name} twice`);
        f.help = meta[3] ?? '';
      } else {
        if (f.type !== 'untyped' || f.samples.length > 0) throw new SyntaxError(`TYPE of ${f.name} twice or after its samples`);
        const type = (meta[3] ?? '').trim();
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type)) throw new SyntaxError(`bad TYPE: ${line}`);
        f.type = type;
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new SyntaxError(`bad sample line: ${line}`);
    const name = m[1]!;
    const labels = m[2] ? parseLabels(m[2], line) : {};
    const value = parseValue(m[3]!, line);
    const suffixes = current ? (SAMPLE_SUFFIXES[current.type] ?? []) : [];
    const owner: string = current && (name === current.name || suffixes.some((s) => name === current!.name + s)) ? current.name : name;
    const f = open(owner);
    const key = `${name}${seriesKey(labels)}`;
    if (series.has(key)) throw new SyntaxError(`series twice: ${key}`);
    series.add(key);
    f.samples.push({ name, labels, value });
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: ExpositionFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>();
  const groupOf = (labels: Record<string, string>) => {
    const key = seriesKey(Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'le')));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [] }));
    return g;
  };
  for (const s of f.samples) {
    const g = groupOf(s.labels);
    if (s.name === `${f.name}_bucket`) {
      if (s.labels['le'] === undefined) throw new SyntaxError(`${f.name}_bucket without le`);
      g.buckets.push([parseValue(s.labels['le'], s.labels['le']), s.value]);
    } else if (s.name === `${f.name}_sum`) g.sum = s.value;
    else if (s.name === `${f.name}_count`) g.count = s.value;
    else throw new SyntaxError(`${s.name} in histogram ${f.name}`);
  }
  for (const [key, g] of groups) {
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([, v], i) => {
      if (i > 0 && v < sorted[i - 1]![1]) throw new SyntaxError(`buckets of ${f.name}${key} are not cumulative`);
    });
    const inf = sorted[sorted.length - 1];
    if (!inf || inf[0] !== Infinity) throw new SyntaxError(`${f.name}${key} has no +Inf bucket`);
    if (g.sum === undefined || g.count === undefined) throw new SyntaxError(`${f.name}${key} lacks _sum or _count`);
    if (g.count !== inf[1]) throw new SyntaxError(`${f.name}${key}: _count ${g.count} differs from the +Inf bucket ${inf[1]}`);
  }
}

/** A series' identity: its labels in name order. */
function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}
