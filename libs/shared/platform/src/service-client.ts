import type { OnModuleDestroy } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { DependencyUnavailableError } from './failures';

/**
 * A service's client of another service over the @nestjs/microservices TCP transport. A call that
 * fails or does not answer in time is a DependencyUnavailableError (the caller answers 503).
 */
export class TcpServiceClient implements OnModuleDestroy {
  private readonly client: ClientProxy;

  constructor(
    private readonly service: string,
    target: { host: string; port: number },
    private readonly timeoutMs: number,
  ) {
    this.client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: target.host, port: target.port } });
  }

  async send<R, P>(pattern: string, payload: P): Promise<R> {
    try {
      return await firstValueFrom(this.client.send<R, P>(pattern, payload).pipe(timeout(this.timeoutMs)));
    } catch (error) {
      throw new DependencyUnavailableError(`${this.service} service unavailable`, error);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
