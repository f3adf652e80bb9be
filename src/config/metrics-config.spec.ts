import { parseConfig } from './parse-config';

/** The metrics variables of parseConfig (METRICS_*). */
describe('parseConfig: metrics', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('serves no metrics by default, and labels no series with the organization', () => {
    expect(parse({}).metrics).toEqual({ token: null, port: null, perOrganization: false });
  });

  it('reads every variable', () => {
    const token = 'a-long-enough-scrape-token';
    expect(parse({ METRICS_TOKEN: token, METRICS_PORT: '9464', METRICS_PER_ORGANIZATION: 'true' }).metrics).toEqual({
      token,
      port: 9464,
      perOrganization: true,
    });
  });

  it('refuses a short token, a port out of range, and the API port itself', () => {
    expect(() => parse({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(() => parse({ METRICS_PORT: '0' })).toThrow(/METRICS_PORT must be an integer from 1 to 65535/);
    expect(() => parse({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => parse({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(/METRICS_PORT must differ from PORT/);
  });
});
