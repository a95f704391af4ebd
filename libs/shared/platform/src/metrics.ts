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
