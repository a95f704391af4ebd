/**
 * The Prometheus metrics of one process on prom-client (text exposition format 0.0.4): counters,
 * gauges and histograms, families whose samples are read from state at scrape time, the process
 * and event-loop metrics of prom-client's collectDefaultMetrics (labelled with the process's
 * `service`), and the merge of several processes' expositions into one (the gateway's /metrics).
 */
import { collectDefaultMetrics, Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Sample {
  labels: Labels;
  value: number;
}

/** Latency buckets (seconds) of request-like operations. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** prom-client's Prometheus text format 0.0.4: `text/plain; version=0.0.4; charset=utf-8`. */
export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

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

abstract class Family {
  readonly labelNames: readonly string[];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    labelNames: readonly string[],
  ) {
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name: ${name}`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new TypeError(`invalid label name: ${l}`);
    this.labelNames = [...labelNames];
  }

  /** Labels as prom-client wants them: only declared names (prom-client would throw a plain Error). */
  protected checked(labels: Labels): Record<string, string> {
    for (const k of Object.keys(labels)) {
      if (!this.labelNames.includes(k)) throw new TypeError(`label ${k} is not declared for ${this.name} (${this.labelNames.join(', ') || 'no labels'})`);
    }
    return labels as Record<string, string>;
  }
}

/** A counter: incremented by the code, and/or read from state at scrape time (addCollector). */
export class Counter extends Family {
  private readonly collectors: Array<() => Iterable<Sample>> = [];
  private readonly metric: PromCounter<string>;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    super(name, help, 'counter', labelNames);
    const collectors = this.collectors;
    this.metric = new PromCounter({
      name,
      help,
      labelNames: this.labelNames,
      registers: [registry],
      collect() {
        for (const collect of collectors) {
          for (const s of collect()) {
            this.remove(s.labels as Record<string, string>);
            this.inc(s.labels as Record<string, string>, s.value);
          }
        }
      },
    });
  }

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter only goes up: ${by}`);
    this.metric.inc(this.checked(labels), by);
  }

  addCollector(collect: () => Iterable<Sample>): void {
    this.collectors.push(collect);
  }
}

/** A gauge: set by the code, and/or read from state at scrape time (addCollector). */
export class Gauge extends Family {
  private readonly collectors: Array<() => Iterable<Sample>> = [];
  private readonly metric: PromGauge<string>;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    super(name, help, 'gauge', labelNames);
    const collectors = this.collectors;
    this.metric = new PromGauge({
      name,
      help,
      labelNames: this.labelNames,
      registers: [registry],
      collect() {
        for (const collect of collectors) for (const s of collect()) this.set(s.labels as Record<string, string>, s.value);
      },
    });
  }

  set(labels: Labels, value: number): void {
    this.metric.set(this.checked(labels), value);
  }

  addCollector(collect: () => Iterable<Sample>): void {
    this.collectors.push(collect);
  }
}

export class Histogram extends Family {
  private readonly metric: PromHistogram<string>;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, 'histogram', labelNames);
    if (this.labelNames.includes('le')) throw new TypeError('a histogram label may not be named le');
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new RangeError(`histogram buckets must be finite and increasing: ${buckets.join(', ')}`);
    }
    this.metric = new PromHistogram({ name, help, labelNames: this.labelNames, buckets: [...buckets], registers: [registry] });
  }

  observe(labels: Labels, value: number): void {
    if ('le' in labels) throw new TypeError('a histogram label may not be named le');
    this.metric.observe(this.checked(labels), value);
  }
}

export interface MetricsRegistryOptions {
  /**
   * Add prom-client's default process and event-loop metrics (process_*, nodejs_*), every sample
   * labelled `service="<this>"` so that the gateway's merge of several processes' expositions
   * keeps one series per process. Off by default (unit tests render exact texts).
   */
  processMetricsOf?: string;
}

/** The metric families of one process (a prom-client Registry), rendered in registration order, one HELP and TYPE each. */
export class MetricsRegistry {
  /** The underlying prom-client registry. */
  readonly registry = new Registry();
  private readonly families = new Map<string, Family>();

  constructor(options: MetricsRegistryOptions = {}) {
    if (options.processMetricsOf !== undefined) collectDefaultMetrics({ register: this.registry, labels: { service: options.processMetricsOf } });
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.register(name, Counter, () => new Counter(this.registry, name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(name, Gauge, () => new Gauge(this.registry, name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = DEFAULT_BUCKETS): Histogram {
    return this.register(name, Histogram, () => new Histogram(this.registry, name, help, labelNames, buckets));
  }

  /** The exposition (Prometheus text format 0.0.4, METRICS_CONTENT_TYPE). */
  async render(): Promise<string> {
    // prom-client writes a NaN sample (e.g. the event-loop lag before its first measurement) as `Nan`; the format spells it `NaN`.
    return (await this.registry.metrics()).replace(/^([^#\n].*) Nan$/gm, '$1 NaN');
  }

  /** Registering a name again returns its family (of the same kind; another kind is an error). */
  private register<F extends Family>(name: string, kind: abstract new (...args: never[]) => F, create: () => F): F {
    const existing = this.families.get(name);
    if (existing) {
      if (!(existing instanceof kind)) throw new TypeError(`metric ${name} is already registered as a ${existing.type}`);
      return existing;
    }
    if (this.registry.getSingleMetric(name)) throw new TypeError(`metric ${name} is already registered (a default process metric)`);
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
