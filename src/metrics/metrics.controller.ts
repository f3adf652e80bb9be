import { Controller, Get, Headers, NotFoundException, Res } from '@nestjs/common';
import {
  ApiExtension,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { UnauthorizedError } from '../common/errors/domain-error';
import { ErrorResponse } from '../common/errors/error-response';
import { AppConfig } from '../config/app-config';
import { HelpdeskMetrics } from './helpdesk-metrics';
import { bearerMatches } from './metrics-token';

/**
 * `GET /metrics` on the API's port (its path is set by PrometheusModule). Not a user's route: it is
 * @Public() to the JWT and roles guards and checks METRICS_TOKEN itself. Without a token configured it
 * answers exactly like a route that does not exist (METRICS_PORT serves the metrics on loopback instead).
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: HelpdeskMetrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiExtension('x-metrics-token', true)
  @ApiOperation({ summary: 'Prometheus metrics (text format); needs `Authorization: Bearer <METRICS_TOKEN>`' })
  @ApiOkResponse({
    description: 'The metrics, in the Prometheus text exposition format',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example: '# TYPE helpdesk_sync_runs_total counter\nhelpdesk_sync_runs_total{outcome="ok"} 42\n',
      },
    },
  })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong METRICS_TOKEN', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'METRICS_TOKEN is not set', type: ErrorResponse })
  async index(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const token = this.config.metrics.token;
    if (token === null) throw new NotFoundException('Cannot GET /metrics');
    if (!bearerMatches(authorization, token)) throw new UnauthorizedError('Missing or invalid metrics token');
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.setHeader('Cache-Control', 'no-store');
    return this.metrics.registry.metrics();
  }
}
