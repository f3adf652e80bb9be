/** How long an organization's enabled/disabled state is trusted; how late another instance notices. */
const STATUS_CACHE_MS = 1_000;
const SWEEP_AT = 10_000;

/**
 * Whether each organization is active, for one second, like the caller cache: every authenticated
 * request asks. A change made through this instance evicts its entry at once.
 */
export class OrganizationStatusCache {
  private readonly entries = new Map<string, { active: Promise<boolean>; until: number }>();

  get(id: string, load: (id: string) => Promise<boolean>, now = Date.now()): Promise<boolean> {
    const entry = this.entries.get(id);
    if (entry && entry.until > now) return entry.active;
    if (this.entries.size >= SWEEP_AT) {
      for (const [key, old] of this.entries) if (old.until <= now) this.entries.delete(key);
    }
    const active = load(id);
    this.entries.set(id, { active, until: now + STATUS_CACHE_MS });
    active.catch(() => {
      if (this.entries.get(id)?.active === active) this.entries.delete(id);
    });
    return active;
  }

  evict(id: string): void {
    this.entries.delete(id);
  }
}
