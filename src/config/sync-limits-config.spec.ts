import { parseConfig } from './parse-config';

/** The per-message deadline, limits and storage quota of parseConfig (issue #25). */
describe('parseConfig: message deadline, limits and storage quota', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('has defaults: a 5 s deadline, mailparser-sized caps, no quota, no test hook, at least one worker', () => {
    const { sync } = parse({});
    expect(sync).toMatchObject({
      messageDeadlineMs: 5_000,
      limits: { maxHeaderBytes: 1024 * 1024, maxMimeDepth: 20, maxParts: 1000, maxAttachments: 250 },
      storageQuotaBytes: null,
      testWorkerHook: null,
    });
    expect(sync.parseWorkers).toBeGreaterThanOrEqual(1);
  });

  it('reads every variable', () => {
    const { sync } = parse({
      SYNC_MESSAGE_DEADLINE_MS: '1500',
      SYNC_MAX_HEADER_BYTES: '65536',
      SYNC_MAX_MIME_DEPTH: '5',
      SYNC_MAX_MIME_PARTS: '50',
      SYNC_MAX_ATTACHMENTS: '10',
      STORAGE_QUOTA_BYTES: '1000000',
      SYNC_PARSE_WORKERS: '2',
    });
    expect(sync).toMatchObject({
      messageDeadlineMs: 1500,
      limits: { maxHeaderBytes: 65536, maxMimeDepth: 5, maxParts: 50, maxAttachments: 10 },
      storageQuotaBytes: 1_000_000,
      parseWorkers: 2,
    });
    expect(parse({ STORAGE_QUOTA_BYTES: '0' }).sync.storageQuotaBytes).toBeNull();
  });

  it('refuses parsing on the main thread: SYNC_PARSE_WORKERS=0 names the variable', () => {
    expect(() => parse({ SYNC_PARSE_WORKERS: '0' })).toThrow(/SYNC_PARSE_WORKERS must be an integer from 1 to 16/);
    expect(() => parse({ SYNC_MESSAGE_DEADLINE_MS: '10' })).toThrow(/SYNC_MESSAGE_DEADLINE_MS/);
  });

  it('accepts the test-only worker hook with NODE_ENV=test only, so production cannot load code by path', () => {
    expect(parse({ NODE_ENV: 'test', SYNC_TEST_WORKER_HOOK: '/srv/hook.js' }).sync.testWorkerHook).toBe('/srv/hook.js');
    for (const NODE_ENV of ['production', 'development']) {
      expect(() => parse({ NODE_ENV, SYNC_TEST_WORKER_HOOK: '/srv/hook.js' })).toThrow(
        /SYNC_TEST_WORKER_HOOK is only allowed with NODE_ENV=test/,
      );
    }
    expect(() => parse({ SYNC_TEST_WORKER_HOOK: '/srv/hook.js' })).toThrow(/only allowed with NODE_ENV=test/);
  });
});
