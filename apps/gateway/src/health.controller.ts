import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

/** Liveness and readiness for load balancers: no patient data, so no client certificate. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: the database answers' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { status: { enum: ['ok'] }, database: { enum: ['up'] } },
    },
  })
  async health(): Promise<{ status: 'ok'; database: 'up' }> {
    await this.dataSource.query('SELECT 1');
    return { status: 'ok', database: 'up' };
  }
}
