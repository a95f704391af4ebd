import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Patterns, type HealthReply } from '@datamingle/contracts';
import { ELAPSED, within } from './time-limit';
import { METRICS_CONTENT_TYPE, METRICS_PATTERN, MetricsRegistry, type MetricsReply } from './metrics';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Runs every check with a time limit; returns the failing ones. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const results: Record<string, string> = {};
  await Promise.all(
    checks.map(async (c) => {
      try {
        await within(c.check(), timeoutMs);
        results[c.name] = 'ok';
      } catch (error) {
        results[c.name] = error === ELAPSED ? 'timed out' : error instanceof Error ? error.message || error.name : 'failed';
      }
    }),
  );
  return { ready: Object.values(results).every((v) => v === 'ok'), checks: results };
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * GET /healthz (the process runs) and GET /readyz (its dependencies answer), for Kubernetes
 * probes, and GET /metrics (this process's metrics, Prometheus text format) for scraping each pod.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Optional() private readonly metrics?: MetricsRegistry,
  ) {}

  @Get('healthz')
  health(@Res() reply: ReplyLike): void {
    reply.status(200).header('cache-control', 'no-store').send({ status: 'ok' });
  }

  @Get('readyz')
  async ready(@Res() reply: ReplyLike): Promise<void> {
    const result = await runReadinessChecks(this.checks);
    reply
      .status(result.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: result.ready ? 'ready' : 'unavailable', checks: result.checks });
  }

  @Get('metrics')
  async exposition(@Res() reply: ReplyLike): Promise<void> {
    const text = (await this.metrics?.render()) ?? '';
    reply
      .status(200)
      .header('content-type', METRICS_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(text);
  }
}

/** The `health.check` message the gateway's /readyz sends to every service, and `metrics.read` for the gateway's /metrics. */
@Controller()
export class HealthMessageController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Optional() private readonly metrics?: MetricsRegistry,
  ) {}

  @MessagePattern(METRICS_PATTERN)
  async exposition(): Promise<MetricsReply> {
    return { text: (await this.metrics?.render()) ?? '' };
  }

  @MessagePattern(Patterns.health)
  async health(): Promise<HealthReply> {
    const result = await runReadinessChecks(this.checks);
    return { service: process.title, status: result.ready ? 'ok' : 'degraded', checks: result.checks };
  }
}
