import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { MetricsPort } from '../src/metrics/metrics-port';
import { freePort } from './harness/free-port';
import { Helpdesk } from './support/helpdesk';
import { parseSamples, scrape, valueOf } from './support/metrics-scrape';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

const TOKEN = 'metrics-token-for-the-tests';

/** GET http://<host>:<port><path>: the status and body, or the connection error's code. */
function get(host: string, port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host, port, path, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** This machine's addresses other than loopback (what another host would connect to). */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry && !entry.internal && entry.family === 'IPv4')
    .map((entry) => entry!.address);
}

/**
 * Who may read /metrics: nobody unless METRICS_TOKEN or METRICS_PORT says so; with the token, only its
 * bearer (not a user's access token); on METRICS_PORT, only this machine. Per-organization series
 * appear only when asked for.
 */
describe('metrics: access and organization labels', () => {
  const apps: TestApp[] = [];
  const boot = async (env: Record<string, string>) => {
    const testApp = await startTestApp(env);
    apps.push(testApp);
    return testApp;
  };
  afterAll(async () => {
    for (const testApp of apps) await testApp.close();
  });

  it('is not served at all with neither METRICS_TOKEN nor METRICS_PORT', async () => {
    const testApp = await boot({});
    const response = await testApp.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    expect(response.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    await testApp.http().get('/api/v1/metrics').expect(404);
    expect(testApp.app.get(MetricsPort).address()).toBeNull();
  });

  it('with METRICS_TOKEN: 401 without it, with a wrong one or a user token; 200 in the text format with it', async () => {
    const testApp = await boot({ METRICS_TOKEN: TOKEN });
    const tenant = await createTenant(testApp);
    await testApp.http().get('/metrics').expect(401);
    await testApp.http().get('/metrics').set('Authorization', `Bearer ${TOKEN.toUpperCase()}`).expect(401);
    await testApp.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    await testApp.http().get('/metrics').set('Authorization', TOKEN).expect(401);
    await testApp.http().get('/metrics').auth(tenant.admin.token, { type: 'bearer' }).expect(401);
    const response = await testApp.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseSamples(response.text);
    expect(valueOf(samples, 'helpdesk_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.name === 'helpdesk_outbox_queued')).toBe(true);
    expect(samples.some((sample) => sample.name === 'helpdesk_outbox_oldest_queued_seconds')).toBe(true);
    expect(valueOf(samples, 'helpdesk_sync_runs_total', { outcome: 'ok' })).toBe(0);
  });

  it('with METRICS_PORT: served without a token on 127.0.0.1 only, and not on the API port', async () => {
    const port = await freePort();
    const testApp = await boot({ METRICS_PORT: String(port) });
    await testApp.http().get('/metrics').expect(404);
    expect(testApp.app.get(MetricsPort).address()).toMatchObject({ address: '127.0.0.1', port });
    const served = await get('127.0.0.1', port, '/metrics');
    expect(served).toMatchObject({ status: 200 });
    expect('body' in served && parseSamples(served.body).some((s) => s.name === 'helpdesk_mailboxes')).toBe(true);
    expect(await get('127.0.0.1', port, '/api/v1/tickets')).toMatchObject({ status: 404 });
    for (const address of externalAddresses()) {
      expect({ address, answer: await get(address, port, '/metrics') }).toEqual({
        address,
        answer: { error: 'ECONNREFUSED' },
      });
    }
  });

  it('labels series with the organization only when METRICS_PER_ORGANIZATION=true', async () => {
    const closedPort = await freePort();
    const testApp = await boot({
      METRICS_TOKEN: TOKEN,
      METRICS_PER_ORGANIZATION: 'true',
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    });
    const desks = [
      new Helpdesk(testApp, await createTenant(testApp)),
      new Helpdesk(testApp, await createTenant(testApp)),
    ];
    for (const desk of desks) {
      // Nothing listens there: every run fails with a network error.
      await testApp
        .http()
        .put('/api/v1/settings/email/incoming')
        .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
        .send({ host: '127.0.0.1', port: closedPort, security: 'none', username: 'u', password: 'p', folder: 'INBOX' })
        .expect(200);
      expect((await desk.syncNow()).error?.class).toBe('network');
    }
    const samples = await scrape(testApp, TOKEN);
    for (const desk of desks) {
      const organization = desk.tenant.organizationId;
      expect(valueOf(samples, 'helpdesk_sync_runs_total', { outcome: 'network', organization })).toBe(1);
      expect(valueOf(samples, 'helpdesk_sync_run_duration_seconds_count', { organization })).toBe(1);
    }
    expect(valueOf(samples, 'helpdesk_sync_runs_total', { outcome: 'network' })).toBe(2);
  });
});
