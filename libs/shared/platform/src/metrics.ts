/**
 * A small in-process Prometheus registry (text exposition format 0.0.4): counters, gauges and
 * histograms, plus families whose samples are read from state at scrape time, and the merge of
 * several processes' expositions into one (the gateway's /metrics).
 */

export type Labels = Readonly<Record<string, string>>;
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Sample {
  labels: Labels;
  value: number;
}

/** Latency buckets (seconds) of request-like operations. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The message pattern a service answers with its metrics (MetricsReply), like `health.check`. */
export const METRICS_PATTERN = 'metrics.read';

export interface MetricsReply {
  /** The service process's exposition (Prometheus text format). */
  text: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the exposition format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="x",b="y"}` (keys in the given order), or '' without labels. */
export function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => {
    if (!LABEL_NAME.test(k)) throw new TypeError(`invalid label name: ${k}`);
    return `${k}="${escapeLabelValue(v)}"`;
  });
  return parts.length ? `{${parts.join(',')}}` : '';
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

abstract class Family {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
  ) {
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name: ${name}`);
  }

  abstract samples(lines: string[]): void;
}

/** A counter or gauge: set or added to by the code, and/or read from state at scrape time. */
class ScalarFamily extends Family {
  protected readonly values = new Map<string, number>();
  private readonly collectors: Array<() => Iterable<Sample>> = [];

  addCollector(collect: () => Iterable<Sample>): void {
    this.collectors.push(collect);
  }

  protected add(labels: Labels, by: number): void {
    const key = formatLabels(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  protected put(labels: Labels, value: number): void {
    this.values.set(formatLabels(labels), value);
  }

  samples(lines: string[]): void {
    const all = new Map(this.values);
    for (const collect of this.collectors) for (const s of collect()) all.set(formatLabels(s.labels), s.value);
    for (const [labels, value] of all) lines.push(`${this.name}${labels} ${formatValue(value)}`);
  }
}

export class Counter extends ScalarFamily {
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter only goes up: ${by}`);
    this.add(labels, by);
  }
}

export class Gauge extends ScalarFamily {
  set(labels: Labels, value: number): void {
    this.put(labels, value);
  }
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket (not cumulative; rendering accumulates). */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Family {
  private readonly series = new Map<string, HistogramSeries>();

  constructor(name: string, help: string, readonly buckets: readonly number[]) {
    super(name, help, 'histogram');
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new RangeError(`histogram buckets must be finite and increasing: ${buckets.join(', ')}`);
    }
  }

  observe(labels: Labels, value: number): void {
    if ('le' in labels) throw new TypeError('a histogram label may not be named le');
    const key = formatLabels(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  samples(lines: string[]): void {
    for (const [key, s] of this.series) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i]!;
        lines.push(`${this.name}_bucket${formatLabels({ ...s.labels, le: formatValue(b) })} ${cumulative}`);
      });
      lines.push(
        `${this.name}_bucket${formatLabels({ ...s.labels, le: '+Inf' })} ${s.count}`,
        `${this.name}_sum${key} ${formatValue(s.sum)}`,
        `${this.name}_count${key} ${s.count}`,
      );
    }
  }
}

/** The metric families of one process, rendered in registration order, one HELP and TYPE each. */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): Counter {
    return this.register(name, Counter, () => new Counter(name, help, 'counter'));
  }

  gauge(name: string, help: string): Gauge {
    return this.register(name, Gauge, () => new Gauge(name, help, 'gauge'));
  }

  histogram(name: string, help: string, buckets: readonly number[] = DEFAULT_BUCKETS): Histogram {
    return this.register(name, Histogram, () => new Histogram(name, help, buckets));
  }

  render(): string {
    const lines: string[] = [];
    for (const f of this.families.values()) {
      lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
      f.samples(lines);
    }
    return lines.length ? lines.join('\n') + '\n' : '';
  }

  /** Registering a name again returns its family (of the same kind; another kind is an error). */
  private register<F extends Family>(name: string, kind: abstract new (...args: never[]) => F, create: () => F): F {
    const existing = this.families.get(name);
    if (existing) {
      if (!(existing instanceof kind)) throw new TypeError(`metric ${name} is already registered as a ${existing.type}`);
      return existing;
    }
    const family = create();
    this.families.set(name, family);
    return family;
  }
}

interface ParsedFamily {
  help?: string;
  type?: string;
  samples: string[];
}

const SAMPLE_SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
  counter: ['_total', '_created'],
};

/**
 * Merges expositions (text format) of several processes into one: each metric family once, with
 * its first HELP and TYPE and the samples of every input. The inputs' series must differ in their
 * labels (e.g. a `service` label); a family another input declares with a different type is
 * dropped from that input.
 */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, ParsedFamily>();
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { samples: [] }));
    return f;
  };
  for (const text of texts) {
    let current: string | null = null;
    let currentType = 'untyped';
    const skipped = new Set<string>();
    for (const raw of text.split('\n')) {
      const line = raw.trimEnd();
      if (!line.trim()) continue;
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (meta) {
        const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string | undefined];
        const f = family(name);
        if (name !== current) currentType = 'untyped';
        current = name;
        if (kind === 'HELP') f.help ??= line;
        else {
          currentType = (rest ?? 'untyped').trim();
          if (f.type === undefined) f.type = line;
          else if (f.type !== line) skipped.add(name);
        }
        continue;
      }
      if (line.startsWith('#')) continue;
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
      if (!name) continue;
      const owner =
        current !== null && (name === current || (SAMPLE_SUFFIXES[currentType] ?? []).some((suffix) => name === current + suffix)) ? current : name;
      if (!skipped.has(owner)) family(owner).samples.push(line);
    }
  }
  const lines: string[] = [];
  for (const f of families.values()) {
    if (f.help) lines.push(f.help);
    if (f.type) lines.push(f.type);
    lines.push(...f.samples);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

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
    const key = `${name}${formatLabels(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))))}`;
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
    const rest = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'le').sort(([a], [b]) => (a < b ? -1 : 1)));
    const key = formatLabels(rest);
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
