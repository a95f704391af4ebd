/** Prometheus text-format metrics kept in process: request counts and latency histograms. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly serviceLatency = new Map<string, Histogram>();

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const key = `route="${route}",method="${method}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    observe(this.latency, `route="${route}",method="${method}"`, seconds);
  }

  observeServiceCall(service: string, pattern: string, seconds: number): void {
    observe(this.serviceLatency, `service="${service}",pattern="${pattern}"`, seconds);
  }

  render(): string {
    const lines: string[] = [
      '# HELP datamingle_http_requests_total Integration API requests by route, method and status.',
      '# TYPE datamingle_http_requests_total counter',
    ];
    for (const [labels, n] of this.requests) lines.push(`datamingle_http_requests_total{${labels}} ${n}`);
    lines.push('# HELP datamingle_http_request_duration_seconds Integration API request latency.', '# TYPE datamingle_http_request_duration_seconds histogram');
    renderHistograms(lines, 'datamingle_http_request_duration_seconds', this.latency);
    lines.push('# HELP datamingle_service_call_duration_seconds Gateway to service call latency.', '# TYPE datamingle_service_call_duration_seconds histogram');
    renderHistograms(lines, 'datamingle_service_call_duration_seconds', this.serviceLatency);
    return lines.join('\n') + '\n';
  }
}

function observe(map: Map<string, Histogram>, key: string, seconds: number): void {
  let h = map.get(key);
  if (!h) {
    h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    map.set(key, h);
  }
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]! += 1;
  h.sum += seconds;
  h.count += 1;
}

function renderHistograms(lines: string[], name: string, map: Map<string, Histogram>): void {
  for (const [labels, h] of map) {
    BUCKETS.forEach((b, i) => lines.push(`${name}_bucket{${labels},le="${b}"} ${h.counts[i]}`));
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${h.count}`, `${name}_sum{${labels}} ${h.sum}`, `${name}_count{${labels}} ${h.count}`);
  }
}
