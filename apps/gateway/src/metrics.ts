import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Process metrics and one request histogram, by route pattern (never by id) and status. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'passerelle_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'passerelle_' });
  }

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.requests.startTimer();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      const pattern = (request as { routePattern?: string }).routePattern;
      stop({
        method: request.method,
        route: pattern ?? (route ? `${request.baseUrl}${route}` : 'unmatched'),
        status: String(response.statusCode),
      });
    });
    next();
  };
}

/** Prometheus scrape endpoint: operational data only, no patient data, no client certificate. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly gatewayMetrics: GatewayMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (process, and request durations by route)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.gatewayMetrics.registry.metrics();
  }
}
