import { LeaseService } from '../src/leases/lease.service';
import { LeasesRepository } from '../src/leases/leases.repository';
import { eventually } from './support/messages';
import { startTestApp, type TestApp } from './support/test-app';
import { usingPostgres } from './support/test-database';
import { createTenant } from './support/tenants';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lease row that keeps per-organization work on one instance at a time (sync runs, later IMAP IDLE). */
describe('leases: taken when free or expired, kept alive by the heartbeat, released on request', () => {
  let testApp: TestApp;
  let leases: LeaseService;
  let rows: LeasesRepository;
  let organizationId: string;
  let otherOrganizationId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    leases = testApp.app.get(LeaseService);
    rows = testApp.app.get(LeasesRepository);
    organizationId = (await createTenant(testApp)).organizationId;
    otherOrganizationId = (await createTenant(testApp)).organizationId;
  });
  afterAll(() => testApp.close());

  it('a live lease is not taken; another organization or purpose is independent; release frees it', async () => {
    const held = await leases.tryAcquire(organizationId, 'test-live', { ttlMs: 60_000 });
    expect(held).not.toBeNull();
    expect(await leases.tryAcquire(organizationId, 'test-live', { ttlMs: 60_000 })).toBeNull();
    const otherOrg = await leases.tryAcquire(otherOrganizationId, 'test-live', { ttlMs: 60_000 });
    const otherPurpose = await leases.tryAcquire(organizationId, 'test-other', { ttlMs: 60_000 });
    expect(otherOrg).not.toBeNull();
    expect(otherPurpose).not.toBeNull();
    await held!.release();
    const again = await leases.tryAcquire(organizationId, 'test-live', { ttlMs: 60_000 });
    expect(again).not.toBeNull();
    for (const lease of [again, otherOrg, otherPurpose]) await lease!.release();
    expect(await rows.find({ organizationId, purpose: 'test-live' })).toBeNull();
  });

  it('an expired lease is taken over, and its old holder learns it lost it at its next heartbeat', async () => {
    // The heartbeat is slower than the expiry: the lease lapses between beats, as a stalled holder's would.
    const stalled = await leases.tryAcquire(organizationId, 'test-expiry', {
      ttlMs: 300,
      heartbeatMs: 1_500,
    });
    expect(stalled).not.toBeNull();
    let lostCalls = 0;
    stalled!.onLost(() => (lostCalls += 1));
    await sleep(500);
    const successor = await leases.tryAcquire(organizationId, 'test-expiry', { ttlMs: 60_000 });
    expect(successor).not.toBeNull();
    expect((await rows.find({ organizationId, purpose: 'test-expiry' }))?.holder).toBe(successor!.holder);
    await eventually(async () => stalled!.lost, 5_000, 50);
    expect(lostCalls).toBe(1);
    // A late release by the old holder leaves the successor's lease alone.
    await stalled!.release();
    expect((await rows.find({ organizationId, purpose: 'test-expiry' }))?.holder).toBe(successor!.holder);
    expect(successor!.lost).toBe(false);
    await successor!.release();
  });

  it('the heartbeat keeps a lease alive well past its ttl', async () => {
    const held = await leases.tryAcquire(organizationId, 'test-heartbeat', { ttlMs: 600, heartbeatMs: 100 });
    expect(held).not.toBeNull();
    const first = (await rows.find({ organizationId, purpose: 'test-heartbeat' }))!.expiresAtMs;
    await sleep(1_500);
    const renewed = (await rows.find({ organizationId, purpose: 'test-heartbeat' }))!.expiresAtMs;
    expect(renewed).toBeGreaterThan(first + 500);
    expect(await leases.tryAcquire(organizationId, 'test-heartbeat', { ttlMs: 600 })).toBeNull();
    expect(held!.lost).toBe(false);
    await held!.release();
  });

  it('of many holders asking at the same moment, exactly one gets the lease', async () => {
    const asks = await Promise.all(
      Array.from({ length: 20 }, () => leases.tryAcquire(organizationId, 'test-race', { ttlMs: 60_000 })),
    );
    const winners = asks.filter((lease) => lease !== null);
    expect(winners).toHaveLength(1);
    await winners[0]!.release();
  });

  it('a lease left by a process that died: SQLite (one process) drops it at restart, PostgreSQL waits for its expiry', async () => {
    const orphan = await leases.tryAcquire(organizationId, 'test-restart', { ttlMs: 60_000 });
    expect(orphan).not.toBeNull();
    // Never released: as if the process had been killed.
    testApp = await testApp.restart();
    const after = await testApp.app.get(LeasesRepository).find({ organizationId, purpose: 'test-restart' });
    if (usingPostgres()) expect(after?.holder).toBe(orphan!.holder);
    else expect(after).toBeNull();
  });
});
