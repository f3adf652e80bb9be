// Re-runs a load every few seconds while the page is visible (and once when it becomes visible again),
// so a screen shows new tickets or a sync's progress without a reload and without polling a hidden tab.
import { useEffect, useRef } from 'preact/hooks';

export function usePoll(load: () => Promise<unknown>, intervalMs: number, deps: unknown[]): void {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      timer = undefined;
      if (document.visibilityState === 'visible') await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible' && timer !== undefined) {
        clearTimeout(timer);
        void tick();
      }
    };
    void tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [intervalMs, ...deps]);
}
