import { Patterns, perService, resourceDefinition, type ServiceName, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import { type Operation, ServiceTimeoutError, ServiceUnavailableError } from '@datamingle/gateway-domain';
import {
  type BalancerOptions,
  METRICS_PATTERN,
  type MetricsReply,
  type PlatformConfig,
  ServiceCallInterruptedError,
  ServiceCallTimeoutError,
  TcpBalancer,
} from '@datamingle/platform';

/**
 * Request bodies above this many bytes travel on a connection of their own (TcpBalancer
 * `dedicated`): a tenant's 10 MB bulk bodies then never queue in front of, or share the fate of,
 * other tenants' small calls on the shared connection.
 */
export const DEDICATED_CONNECTION_BODY_BYTES = 1_048_576;

/**
 * The gateway's clients of the services, over the @nestjs/microservices TCP transport, each
 * balanced over every address of its service (TcpBalancer: every replica behind a hostname, or
 * the comma-separated list of `*_URL`).
 */
export class ServiceClients {
  private readonly clients: Record<ServiceName, TcpBalancer>;

  constructor(private readonly config: PlatformConfig, options: BalancerOptions = {}) {
    this.clients = perService((service) => new TcpBalancer(config.serviceUrls[service], options));
  }

  async dispatch(op: Operation, request: ServiceRequest): Promise<ServiceReply> {
    // The owning service and the message pattern come from the resource registry.
    const { service, operations } = resourceDefinition(op.resource);
    const pattern = operations[op.name];
    if (!pattern) throw new ServiceUnavailableError(`${op.resource} do not support ${op.name}`);
    const dedicated = (request.bodyUtf8?.byteLength ?? 0) > DEDICATED_CONNECTION_BODY_BYTES;
    try {
      return await this.send<ServiceReply>(service, pattern, request, this.config.requestTimeoutMs, dedicated);
    } catch (error) {
      // Sent, then the connection failed: a write may have been applied, so its outcome is unknown
      // (504: check before retrying); a read applied nothing (503).
      if (!(error instanceof ServiceCallInterruptedError)) throw error;
      const message = `${service} connection lost after the request was sent: ${error.message}`;
      throw op.action === 'read' ? new ServiceUnavailableError(message) : new ServiceTimeoutError(message);
    }
  }

  async health(service: ServiceName, timeoutMs: number): Promise<{ status: string; checks: Record<string, string> }> {
    return this.send(service, Patterns.health, {}, timeoutMs);
  }

  /** The service's metrics (Prometheus text format), for the gateway's /metrics. */
  async metrics(service: ServiceName, timeoutMs: number): Promise<string> {
    return (await this.send<MetricsReply>(service, METRICS_PATTERN, {}, timeoutMs)).text;
  }

  private async send<T>(service: ServiceName, pattern: string, payload: unknown, timeoutMs: number, dedicated = false): Promise<T> {
    try {
      return await this.clients[service].send<T>(pattern, payload, timeoutMs, { dedicated });
    } catch (error) {
      if (error instanceof ServiceCallTimeoutError) throw new ServiceTimeoutError(`${service} did not answer within ${timeoutMs} ms`);
      if (error instanceof ServiceCallInterruptedError) throw error;
      throw new ServiceUnavailableError(`${service} unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.clients).map((c) => c.close()));
  }
}
