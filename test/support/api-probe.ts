import type { Helpdesk } from './helpdesk';
import type { ApiClient } from './tenants';

export interface ProbeSample {
  what: 'health' | 'tickets';
  /** HTTP status, or 0 when no answer came within the request's timeout. */
  status: number;
  ms: number;
  /** `/health`'s overall status ("ok", "degraded", "error"). */
  health?: string;
}

export interface ApiProbe {
  /** Ends the probing and returns every sample taken. */
  stop(): Promise<ProbeSample[]>;
}

const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Asks `/health` and one organization's ticket list once a second (both at once) until stopped, as a
 * user watching the service would, recording whether and how fast each answered.
 */
export function probeApi(api: ApiClient, desk: Helpdesk, everyMs = 1_000): ApiProbe {
  const samples: ProbeSample[] = [];
  let stopped = false;
  const timed = async (what: ProbeSample['what'], ask: () => Promise<{ status: number; body: unknown }>) => {
    const started = Date.now();
    try {
      const { status, body } = await ask();
      const health = what === 'health' ? (body as { status?: string }).status : undefined;
      samples.push({ what, status, ms: Date.now() - started, health });
    } catch {
      samples.push({ what, status: 0, ms: Date.now() - started });
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      await Promise.all([
        timed('health', () => api.http().get('/health').timeout(REQUEST_TIMEOUT_MS)),
        timed('tickets', () =>
          api
            .http()
            .get('/api/v1/tickets?pageSize=25')
            .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
            .timeout(REQUEST_TIMEOUT_MS),
        ),
      ]);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - started))));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** The slowest answer of each kind, for the figures a test prints. */
export function slowest(samples: ProbeSample[]): Record<ProbeSample['what'], number> {
  const of = (what: ProbeSample['what']) => Math.max(0, ...samples.filter((s) => s.what === what).map((s) => s.ms));
  return { health: of('health'), tickets: of('tickets') };
}
