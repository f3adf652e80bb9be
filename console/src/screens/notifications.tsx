// Notifications: the template editor, and the outbox's mail by status with each failure's reason and Retry.
import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { when } from '../format';
import { usePoll } from '../use-poll';
import { NotificationTemplates } from './notification-templates';

interface Notification {
  id: string;
  kind: string;
  ticketId: string;
  recipient: string;
  subject: string;
  status: string;
  reason: string | null;
  attempts: number;
  createdAt: string;
}

const STATUSES = ['failed', 'queued', 'sent', 'suppressed'];

export function NotificationsScreen() {
  const [status, setStatus] = useState('failed');
  const [items, setItems] = useState<Notification[] | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const load = async () => {
    try {
      setItems(await api<Notification[]>('GET', `/notifications?status=${status}`));
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };
  usePoll(load, 5000, [status]);

  const retry = async (item: Notification) => {
    try {
      await api('POST', `/notifications/${item.id}/retry`);
      setMessage({ kind: 'ok', text: `The mail to ${item.recipient} is queued again.` });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };

  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <NotificationTemplates />
      <h2>Outbox</h2>
      <div class="filters">
        <label for="notification-status">Status</label>
        <select id="notification-status" value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      {message && (
        <p class={message.kind} role="status" aria-live="polite">
          {message.text}
        </p>
      )}
      {items && items.length === 0 && <p>No {status} notifications.</p>}
      {items && items.length > 0 && (
        <table>
          <caption class="visually-hidden">Outgoing notifications</caption>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Kind</th>
              <th scope="col">Reason</th>
              <th scope="col">Attempts</th>
              <th scope="col">Queued</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>{item.recipient}</td>
                <td>
                  <a href={`#/tickets/${item.ticketId}`}>{item.subject}</a>
                </td>
                <td>{item.kind}</td>
                <td>{item.reason ?? '—'}</td>
                <td>{item.attempts}</td>
                <td>{when(item.createdAt)}</td>
                <td>
                  {(item.status === 'failed' || item.status === 'suppressed') && (
                    <button type="button" onClick={() => retry(item)}>
                      Retry
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
