import { DynamicModule, Module } from '@nestjs/common';
import { CLOCK, SYSTEM_CLOCK } from '../ports';
import { LifecycleJobs } from './lifecycle-jobs';
import { LIFECYCLE_INTERVAL_MS, LifecycleScheduler } from './lifecycle-scheduler';

export interface RecordLifecycleOptions {
  /** How often each node runs the time-based steps. */
  readonly intervalMs: number;
}

/** The lifecycle's scheduler, for the gateway; its store is the persistence module's. */
@Module({})
export class RecordLifecycleModule {
  static forRoot(options: RecordLifecycleOptions): DynamicModule {
    return {
      module: RecordLifecycleModule,
      providers: [
        LifecycleJobs,
        LifecycleScheduler,
        { provide: CLOCK, useValue: SYSTEM_CLOCK },
        { provide: LIFECYCLE_INTERVAL_MS, useValue: options.intervalMs },
      ],
      exports: [LifecycleJobs],
    };
  }
}
