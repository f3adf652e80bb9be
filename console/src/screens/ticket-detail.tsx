// One ticket: its thread (requester's mail, agent replies, internal and system notes), attachments,
// the reply box, and status / priority / assignee. Every text from mail is rendered as text.
import { useEffect, useState } from 'preact/hooks';
import { api, describeError, download } from '../api';
import { bytes, when } from '../format';
import { currentUser } from '../session';
import { usePoll } from '../use-poll';
import { MailHtmlFrame } from './mail-html-frame';
import { PRIORITIES, STATUSES, type Comment, type TicketDetail, type UserView } from './ticket-types';

function CommentItem({ ticketId, comment }: { ticketId: string; comment: Comment }) {
  const label = comment.internal ? 'Internal note' : comment.kind === 'system' ? 'System note' : null;
  return (
    <li class={`comment ${comment.kind}${comment.internal ? ' internal' : ''}`}>
      <p class="meta">
        <strong>{comment.author.name || comment.author.email}</strong>
        {comment.author.email && comment.author.name ? ` <${comment.author.email}>` : ''} ·{' '}
        {when(comment.receivedAt ?? comment.createdAt)}
        {label && <span class="badge">{label}</span>}
      </p>
      <div class="body">{comment.body}</div>
      {comment.html && <MailHtmlFrame html={comment.html} title={`Formatted mail from ${comment.author.name}`} />}
      {comment.attachments.length > 0 && (
        <ul class="attachments" aria-label="Attachments">
          {comment.attachments.map((attachment) => (
            <li key={attachment.id}>
              <button
                type="button"
                class="link"
                onClick={() =>
                  void download(`/tickets/${ticketId}/attachments/${attachment.id}`, attachment.filename).catch(() => {
                    // The list refresh shows a lost session; nothing else to say here.
                  })
                }
              >
                {attachment.filename}
              </button>{' '}
              ({bytes(attachment.size)})
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function TicketDetailScreen({ id }: { id: string }) {
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [users, setUsers] = useState<UserView[]>([]);
  const [reply, setReply] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const me = currentUser.get();

  const load = async () => {
    try {
      setTicket(await api<TicketDetail>('GET', `/tickets/${id}`));
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };
  usePoll(load, 5000, [id]);
  useEffect(() => {
    // Only admins may list users; an agent assigns to themselves or unassigns.
    if (me?.role === 'admin') api<UserView[]>('GET', '/users').then(setUsers, () => setUsers([]));
  }, [me?.role]);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await action();
      setMessage({ kind: 'ok', text: done });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };
  const update = (change: Record<string, string | null>) =>
    act(() => api('PATCH', `/tickets/${id}`, change), 'Ticket updated.');
  const comment = (internal: boolean) => {
    if (!reply.trim()) {
      setMessage({ kind: 'error', text: 'Write something first.' });
      return;
    }
    void act(
      async () => {
        await api('POST', `/tickets/${id}/comments`, { body: reply, internal });
        setReply('');
      },
      internal ? 'Internal note added.' : 'Reply sent.',
    );
  };

  if (!ticket) {
    return (
      <section>
        <h1>Ticket</h1>
        <p role={message ? 'alert' : 'status'}>{message?.text ?? 'Loading…'}</p>
      </section>
    );
  }
  const assignees = users.filter((user) => !user.disabled);
  if (me && !assignees.some((user) => user.id === me.id)) {
    assignees.push({ id: me.id, email: me.email, name: `${me.name} (me)`, role: 'agent', disabled: false });
  }
  if (ticket.assignee && !assignees.some((user) => user.id === ticket.assignee?.id)) {
    assignees.push({ ...ticket.assignee, email: '', role: 'agent', disabled: false });
  }

  return (
    <section aria-labelledby="ticket-title">
      <p>
        <a href="#/tickets">Back to tickets</a>
      </p>
      <h1 id="ticket-title">
        #{ticket.number} {ticket.subject}
      </h1>
      <p>
        From {ticket.requester.name || ticket.requester.email} &lt;{ticket.requester.email}&gt;
        {ticket.participants.length > 0 && ` · Cc ${ticket.participants.map((p) => p.email).join(', ')}`}
      </p>
      <div class="row ticket-fields">
        <div class="field">
          <label for="ticket-status-select">Status</label>
          <select
            id="ticket-status-select"
            value={ticket.status}
            disabled={busy}
            onChange={(e) => update({ status: e.currentTarget.value })}
          >
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="ticket-priority-select">Priority</label>
          <select
            id="ticket-priority-select"
            value={ticket.priority}
            disabled={busy}
            onChange={(e) => update({ priority: e.currentTarget.value })}
          >
            {PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="ticket-assignee-select">Assignee</label>
          <select
            id="ticket-assignee-select"
            value={ticket.assignee?.id ?? ''}
            disabled={busy}
            onChange={(e) => update({ assigneeId: e.currentTarget.value || null })}
          >
            <option value="">Unassigned</option>
            {assignees.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <h2>Conversation</h2>
      <ol class="thread">
        {ticket.comments.map((item) => (
          <CommentItem key={item.id} ticketId={ticket.id} comment={item} />
        ))}
      </ol>
      <form
        class="reply"
        onSubmit={(event) => {
          event.preventDefault();
          comment(false);
        }}
      >
        <label for="reply-body">Reply</label>
        <textarea id="reply-body" rows={6} value={reply} onInput={(event) => setReply(event.currentTarget.value)} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Send reply
          </button>
          <button type="button" disabled={busy} onClick={() => comment(true)}>
            Add internal note
          </button>
        </div>
      </form>
      {message && (
        <p class={message.kind} role="status" aria-live="polite">
          {message.text}
        </p>
      )}
    </section>
  );
}
