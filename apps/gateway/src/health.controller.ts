import { Controller, Get } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Liveness and readiness for load balancers: no patient data, so no client certificate. */
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async health(): Promise<{ status: 'ok'; database: 'up' }> {
    await this.dataSource.query('SELECT 1');
    return { status: 'ok', database: 'up' };
  }
}
