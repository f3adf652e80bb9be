// Tickets: search, status and assignee filters, pages; refreshed every few seconds, so new mail shows up
// as a new row without a reload.
import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { when } from '../format';
import { currentUser } from '../session';
import { usePoll } from '../use-poll';
import { STATUSES, type TicketSummary } from './ticket-types';

interface Page {
  items: TicketSummary[];
  total: number;
  page: number;
  pageSize: number;
}

const PAGE_SIZE = 25;

export function TicketsScreen() {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [assignee, setAssignee] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (search) params.set('q', search);
    if (status) params.set('status', status);
    if (assignee === 'me') params.set('assignee', currentUser.get()?.id ?? 'none');
    else if (assignee) params.set('assignee', assignee);
    try {
      setData(await api<Page>('GET', `/tickets?${params}`));
      setError(null);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  usePoll(load, 3000, [search, status, assignee, page]);

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <section aria-labelledby="tickets-title">
      <h1 id="tickets-title">Tickets</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setPage(1);
          setSearch(query.trim());
        }}
      >
        <label for="ticket-search">Search</label>
        <input
          id="ticket-search"
          type="search"
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <label for="ticket-status">Status</label>
        <select
          id="ticket-status"
          value={status}
          onChange={(event) => {
            setPage(1);
            setStatus(event.currentTarget.value);
          }}
        >
          <option value="">Any</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <label for="ticket-assignee">Assignee</label>
        <select
          id="ticket-assignee"
          value={assignee}
          onChange={(event) => {
            setPage(1);
            setAssignee(event.currentTarget.value);
          }}
        >
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Unassigned</option>
        </select>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table>
        <caption class="visually-hidden">Tickets, newest activity first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Subject</th>
            <th scope="col">Requester</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col">Assignee</th>
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((ticket) => (
            <tr key={ticket.id}>
              <td>{ticket.number}</td>
              <td>
                <a href={`#/tickets/${ticket.id}`}>{ticket.subject || '(no subject)'}</a>
              </td>
              <td>{ticket.requester.name || ticket.requester.email}</td>
              <td>{ticket.status}</td>
              <td>{ticket.priority}</td>
              <td>{ticket.assignee?.name ?? '—'}</td>
              <td>{when(ticket.lastActivityAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.items.length === 0 && <p>No tickets match.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous page
        </button>
        <span>
          Page {page} of {pages} ({data?.total ?? 0} tickets)
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Next page
        </button>
      </nav>
    </section>
  );
}
