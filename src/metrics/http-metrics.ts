import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { HelpdeskMetrics } from './helpdesk-metrics';

/** The route label of a request no route matched (a 404, or one refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every HTTP request into helpdesk_http_request_duration_seconds, labelled with the route
 * *template* Express matched (`/api/v1/tickets/:id`), never the URL, so ids and probes of random paths
 * cannot grow the number of series.
 */
@Injectable()
export class HttpMetrics {
  constructor(private readonly metrics: HelpdeskMetrics) {}

  /** Express middleware; register it before the routes. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.httpRequestDuration.observe(
        { method: req.method, route: routeTemplate(req), status: String(res.statusCode) },
        seconds,
      );
    });
    next();
  };
}

/** The matched route's path as declared (Express leaves it on the request), else a fixed label. */
function routeTemplate(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}
