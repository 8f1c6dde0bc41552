import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RETRY_AFTER_SECONDS } from '@passerelle/platform';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

/** A database slower than this to answer `SELECT 1` counts as down. */
const READINESS_TIMEOUT_MS = 2000;

type Readiness =
  | { readonly status: 'ok'; readonly database: 'up' }
  | { readonly status: 'unavailable'; readonly database: 'down' };

/**
 * Readiness and liveness for load balancers and orchestrators: no patient data, so no client
 * certificate. Nothing of a failure's cause is told: it is for the logs.
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Readiness: the database answers (503 while it does not)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { status: { enum: ['ok'] }, database: { enum: ['up'] } },
    },
  })
  @ApiServiceUnavailableResponse({
    schema: {
      type: 'object',
      properties: { status: { enum: ['unavailable'] }, database: { enum: ['down'] } },
    },
  })
  async readiness(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    if (await this.databaseAnswers()) return { status: 'ok', database: 'up' };
    response.status(503).setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    return { status: 'unavailable', database: 'down' };
  }

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process serves requests, whatever the database does' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { enum: ['ok'] } } } })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
    });
    const query = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
