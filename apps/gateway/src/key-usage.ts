import type { GatewayStore } from '@datamingle/gateway-infrastructure';
import type { Logger } from '@datamingle/platform';

/** Batches `last_used_at` updates (the spec allows a lag of up to 60 seconds). */
export class KeyUsage {
  private readonly used = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Pick<GatewayStore, 'markKeysUsed'>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), 30_000);
    this.timer.unref();
  }

  mark(keyId: string): void {
    this.used.add(keyId);
  }

  async flush(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    await this.store.markKeysUsed(ids).catch((error) => this.logger.warn('could not record key usage', { error }));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
