// Sync failures: messages that could not be processed, with their reason; download the original (.eml),
// Retry after a fix, or Dismiss. Also the recent runs, so a failure can be placed in time.
import { useState } from 'preact/hooks';
import { api, describeError, download } from '../api';
import { bytes, when } from '../format';
import { usePoll } from '../use-poll';

interface Failure {
  id: string;
  folder: string;
  uid: number;
  errorClass: string;
  reason: string;
  attempts: number;
  size: number;
  createdAt: string;
}

interface Run {
  id: string;
  trigger: string;
  status: string;
  startedAt: string;
  fetched: number;
  tickets: number;
  comments: number;
  ignored: number;
  failed: number;
  error: { class: string; message: string } | null;
}

export function FailuresScreen() {
  const [failures, setFailures] = useState<Failure[] | null>(null);
  const [runs, setRuns] = useState<Run[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = async () => {
    try {
      const [open, recent] = await Promise.all([
        api<Failure[]>('GET', '/sync/failures'),
        api<Run[]>('GET', '/sync/runs'),
      ]);
      setFailures(open);
      setRuns(recent.slice(0, 10));
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };
  usePoll(load, 5000, []);

  const retry = async (failure: Failure) => {
    setBusy(failure.id);
    try {
      const result = await api<{ ok: boolean; outcome: string | null; reason: string | null }>(
        'POST',
        `/sync/failures/${failure.id}/retry`,
        {},
      );
      setMessage(
        result.ok
          ? { kind: 'ok', text: `UID ${failure.uid} processed: ${result.outcome ?? 'done'}.` }
          : { kind: 'error', text: `UID ${failure.uid} failed again: ${result.reason ?? 'unknown reason'}` },
      );
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(null);
    }
  };

  const dismiss = async (failure: Failure) => {
    setBusy(failure.id);
    try {
      await api('DELETE', `/sync/failures/${failure.id}`);
      setMessage({ kind: 'ok', text: `UID ${failure.uid} dismissed.` });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="failures-title">
      <h1 id="failures-title">Failures</h1>
      {message && (
        <p class={message.kind} role="status" aria-live="polite">
          {message.text}
        </p>
      )}
      {failures && failures.length === 0 && <p>No failed messages.</p>}
      {failures && failures.length > 0 && (
        <table>
          <caption class="visually-hidden">Messages that could not be processed</caption>
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Reason</th>
              <th scope="col">Attempts</th>
              <th scope="col">Since</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {failures.map((failure) => (
              <tr key={failure.id}>
                <th scope="row">
                  {failure.folder} UID {failure.uid} ({bytes(failure.size)})
                </th>
                <td>
                  <strong>{failure.errorClass}</strong>: {failure.reason}
                </td>
                <td>{failure.attempts}</td>
                <td>{when(failure.createdAt)}</td>
                <td>
                  <div class="actions">
                    <button type="button" disabled={busy === failure.id} onClick={() => retry(failure)}>
                      Retry
                    </button>
                    <button type="button" disabled={busy === failure.id} onClick={() => dismiss(failure)}>
                      Dismiss
                    </button>
                    <button
                      type="button"
                      aria-label={`Download .eml of UID ${failure.uid}`}
                      onClick={() =>
                        void download(`/sync/failures/${failure.id}/raw`, `failure-${failure.uid}.eml`).catch((error) =>
                          setMessage({ kind: 'error', text: describeError(error) }),
                        )
                      }
                    >
                      Download .eml
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Recent runs</h2>
      <table>
        <caption class="visually-hidden">The last sync runs</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Trigger</th>
            <th scope="col">Status</th>
            <th scope="col">Fetched</th>
            <th scope="col">Tickets</th>
            <th scope="col">Comments</th>
            <th scope="col">Ignored</th>
            <th scope="col">Failed</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>{when(run.startedAt)}</td>
              <td>{run.trigger}</td>
              <td>{run.status}</td>
              <td>{run.fetched}</td>
              <td>{run.tickets}</td>
              <td>{run.comments}</td>
              <td>{run.ignored}</td>
              <td>{run.failed}</td>
              <td>{run.error ? `${run.error.class}: ${run.error.message}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
