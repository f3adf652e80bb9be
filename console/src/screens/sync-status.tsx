// The seed's "Sync service status" widget: state, where sync starts from, Start / Stop / Sync now, the
// schedule and health, and the current run's progress, refreshed every 2 s while the page is visible.
import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { when } from '../format';
import { usePoll } from '../use-poll';

interface SyncStatusView {
  state: 'stopped' | 'running';
  neverStarted: boolean;
  syncing: boolean;
  queued: boolean;
  from: string | null;
  intervalSeconds: number;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  consecutiveFailures: number;
  lastError: { class: string; message: string; at: string } | null;
  totals: { fetched: number; tickets: number; comments: number; ignored: number; failed: number };
  currentRun: { runId: string | null; startedAt: string; fetched: number; total: number | null } | null;
}

type From = 'current-date' | 'specific-date' | 'last-sync';

/** A run's counts so far (GET /sync/runs/:id). */
interface RunCounts {
  tickets: number;
  comments: number;
  ignored: number;
  failed: number;
}

/** What an admin can do about each class of sync error. */
const ERROR_HINTS: Record<string, string> = {
  config: 'Save the incoming settings, then start sync again.',
  auth: 'The mailbox refused the login: check the e-mail address and password (some providers need an app password).',
  network: 'The mail server could not be reached: check the server name and port; sync retries with a back-off.',
  tls: 'The secure connection failed: check the Security setting and the server certificate.',
  protocol: 'The server answered unexpectedly: check that this is an IMAP server and the folder exists.',
  storage: 'Files could not be stored: check the disk of the helpdesk server.',
  'storage-quota': 'The organization is over its storage quota: raise it, then retry the failures.',
  internal: 'An internal error: see the server log for this run.',
};

function statusText(status: SyncStatusView): string {
  if (status.syncing) return 'Syncing now';
  if (status.queued) return 'Running (waiting for its turn)';
  return status.state === 'running' ? 'Running' : 'Stopped';
}

export function SyncStatus() {
  const [status, setStatus] = useState<SyncStatusView | null>(null);
  const [from, setFrom] = useState<From>('current-date');
  const [date, setDate] = useState('');
  const [intervalText, setIntervalText] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [runCounts, setRunCounts] = useState<RunCounts | null>(null);

  const refresh = async () => {
    const next = await api<SyncStatusView>('GET', '/sync');
    // The run in progress counts what it has committed so far; the status has only how much it fetched.
    const runId = next.currentRun?.runId;
    setRunCounts(runId ? await api<RunCounts>('GET', `/sync/runs/${runId}`).catch(() => null) : null);
    setStatus(next);
    setIntervalText((current) => (current === '' ? String(next.intervalSeconds) : current));
  };
  usePoll(refresh, 2000, []);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await action();
      setMessage({ kind: 'ok', text: done });
      await refresh();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const start = () => {
    if (from === 'specific-date' && !date) {
      setMessage({ kind: 'error', text: 'Choose the date sync starts from.' });
      return;
    }
    void act(() => api('POST', '/sync/start', from === 'specific-date' ? { from, date } : { from }), 'Sync started.');
  };

  const running = status?.state === 'running';
  const hint = status?.lastError ? ERROR_HINTS[status.lastError.class] : undefined;
  const run = status?.currentRun;

  return (
    <section class="sync-status" aria-labelledby="sync-status-title">
      <h2 id="sync-status-title">Sync service status</h2>
      <p>
        <strong>Status: </strong>
        <span class="sync-state" role="status">
          {status ? statusText(status) : 'Loading…'}
        </span>
      </p>
      {status?.neverStarted && <p>Synchronization is never started.</p>}
      {run && (
        <p class="progress">
          Current run: {run.fetched}
          {run.total !== null ? ` of ${run.total}` : ''} messages fetched (since {when(run.startedAt)})
          {runCounts &&
            `: ${runCounts.tickets} tickets, ${runCounts.comments} comments, ${runCounts.ignored} ignored, ${runCounts.failed} failed`}
        </p>
      )}
      <fieldset>
        <legend>Start sync from</legend>
        {(
          [
            ['current-date', 'current date'],
            ['specific-date', 'specific date'],
            ['last-sync', 'last sync'],
          ] as Array<[From, string]>
        ).map(([value, label]) => (
          <label key={value} class="radio">
            <input
              type="radio"
              name="sync-from"
              value={value}
              checked={from === value}
              disabled={value === 'last-sync' && (status?.neverStarted ?? true)}
              onChange={() => setFrom(value)}
            />
            {label}
          </label>
        ))}
        <label for="sync-date">Date</label>
        <input
          id="sync-date"
          type="date"
          value={date}
          disabled={from !== 'specific-date'}
          onInput={(event) => setDate(event.currentTarget.value)}
        />
      </fieldset>
      <div class="actions">
        <button type="button" disabled={busy || running} onClick={start}>
          Start
        </button>
        <button
          type="button"
          disabled={busy || !running}
          onClick={() => act(() => api('POST', '/sync/stop'), 'Sync stopped.')}
        >
          Stop
        </button>
        <button
          type="button"
          disabled={busy || status?.syncing}
          onClick={() => act(() => api('POST', '/sync/now'), 'Sync run finished.')}
        >
          Sync now
        </button>
      </div>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          void act(() => api('PUT', '/sync/interval', { seconds: Number(intervalText) }), 'Interval changed.');
        }}
      >
        <div class="field">
          <label for="sync-interval">Interval (seconds)</label>
          <input
            id="sync-interval"
            type="number"
            min="1"
            value={intervalText}
            onInput={(event) => setIntervalText(event.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          Set interval
        </button>
      </form>
      {message && (
        <p class={message.kind} role="alert">
          {message.text}
        </p>
      )}
      {status && (
        <dl class="facts">
          <dt>Last run</dt>
          <dd>{when(status.lastRunAt)}</dd>
          <dt>Last success</dt>
          <dd>{when(status.lastSuccessAt)}</dd>
          <dt>Next run</dt>
          <dd>{running ? when(status.nextRunAt) : '—'}</dd>
          <dt>Consecutive failures</dt>
          <dd>{status.consecutiveFailures}</dd>
          <dt>Messages so far</dt>
          <dd>
            {status.totals.fetched} fetched: {status.totals.tickets} tickets, {status.totals.comments} comments,{' '}
            {status.totals.ignored} ignored, {status.totals.failed} failed
          </dd>
          {status.lastError && (
            <>
              <dt>Last error</dt>
              <dd class="error">
                {status.lastError.message} ({status.lastError.class}, {when(status.lastError.at)})
                {hint && <span class="hint"> {hint}</span>}
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
