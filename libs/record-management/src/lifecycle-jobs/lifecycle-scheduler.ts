import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '../ports';
import { LifecycleJobs } from './lifecycle-jobs';

export const LIFECYCLE_INTERVAL_MS = Symbol('LifecycleIntervalMs');

/**
 * Runs the lifecycle's time-based steps every `LIFECYCLE_INTERVAL_MS` on each gateway node; the
 * passes coordinate through the database (LifecycleJobs), so every node may run them.
 */
@Injectable()
export class LifecycleScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LifecycleScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly jobs: LifecycleJobs,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LIFECYCLE_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.jobs
      .runDue(this.clock.now())
      .then(({ activated, purged }) => {
        if (activated.length || purged.length) {
          this.logger.log(`Records opened: ${activated.length}, purged: ${purged.length}`);
        }
      })
      .catch((error: unknown) => this.logger.warn(`Lifecycle pass failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
