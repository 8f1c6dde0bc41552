import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { OIDC_STORE, OidcStore } from '../ports';

const EVERY_MS = 10 * 60_000;

/**
 * Every 10 minutes, forgets what has expired: sessions, codes, tokens and grants of the
 * provider, one-time codes, old throttle windows. Idempotent, so every node may run it.
 */
@Injectable()
export class ExpiredStatePurge implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PatientChannel');
  private timer?: NodeJS.Timeout;

  constructor(@Inject(OIDC_STORE) private readonly store: OidcStore) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(now = new Date()): Promise<number> {
    try {
      return await this.store.purgeExpired(now);
    } catch (error) {
      this.logger.warn(`Purge of expired patient-channel state failed: ${String(error)}`);
      return 0;
    }
  }
}
