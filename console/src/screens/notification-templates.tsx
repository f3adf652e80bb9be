// The notification template editor: one template at a time (on/off, subject, body) with a live preview
// filled with sample values. The server checks the placeholders when saving; its errors sit by the field.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api';
import { CheckboxField, Field, TextField } from './fields';

interface Template {
  audience: 'requester' | 'agents';
  enabled: boolean;
  subject: string;
  body: string;
}

interface Settings {
  notifications: Record<string, Template>;
  placeholders: string[];
}

const KINDS: Array<[string, string]> = [
  ['ticketReceived', 'Ticket received (to the requester)'],
  ['agentReplied', 'Agent replied (to the requester)'],
  ['ticketResolved', 'Ticket resolved (to the requester)'],
  ['newTicket', 'New ticket (to agents)'],
  ['requesterReplied', 'Requester replied (to agents)'],
];

const SAMPLE: Record<string, string> = {
  'ticket.number': '42',
  'ticket.subject': 'Printer on fire',
  'ticket.status': 'open',
  'ticket.priority': 'normal',
  'requester.name': 'Carla Customer',
  'requester.email': 'carla@customer.example',
  'comment.body': 'We have sent a technician.',
  'comment.author': 'Ada Agent',
  'agent.name': 'Ada Agent',
  'organization.name': 'Acme Support',
};

/** Fills {{placeholders}} with the sample values; unknown ones stay visible, as the server would refuse them. */
function preview(template: string): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) => SAMPLE[name] ?? whole);
}

export function NotificationTemplates() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [kind, setKind] = useState('ticketReceived');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    api<Settings>('GET', '/settings/notifications').then(setSettings, (error) =>
      setMessage({ kind: 'error', text: describeError(error) }),
    );
  }, []);
  if (!settings) return <p role="status">{message?.text ?? 'Loading templates…'}</p>;

  const template = settings.notifications[kind];
  const edit = (change: Partial<Template>) =>
    setSettings({ ...settings, notifications: { ...settings.notifications, [kind]: { ...template, ...change } } });

  const save = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      const { enabled, subject, body } = template;
      setSettings(
        await api<Settings>('PUT', '/settings/notifications', {
          notifications: { [kind]: { enabled, subject, body } },
        }),
      );
      setMessage({ kind: 'ok', text: 'Template saved.' });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const fields = error.fieldErrors();
        setErrors({ subject: fields[`notifications.${kind}.subject`], body: fields[`notifications.${kind}.body`] });
      }
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };

  return (
    <form class="templates" onSubmit={save}>
      <h2>Templates</h2>
      <div class="field">
        <label for="template-kind">Template</label>
        <select id="template-kind" value={kind} onChange={(event) => setKind(event.currentTarget.value)}>
          {KINDS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <CheckboxField
        id="template-enabled"
        label="Send this notification"
        checked={template.enabled}
        onChecked={(enabled) => edit({ enabled })}
      />
      <TextField
        id="template-subject"
        label="Subject"
        value={template.subject}
        error={errors.subject}
        onValue={(subject) => edit({ subject })}
      />
      <Field
        id="template-body"
        label="Body"
        error={errors.body}
        hint={`Placeholders: ${settings.placeholders.map((name) => `{{${name}}}`).join(', ')}`}
      >
        {(describedBy) => (
          <textarea
            id="template-body"
            rows={8}
            value={template.body}
            aria-describedby={describedBy}
            onInput={(event) => edit({ body: event.currentTarget.value })}
          />
        )}
      </Field>
      <button type="submit">Save template</button>
      {message && (
        <p class={message.kind} role="status" aria-live="polite">
          {message.text}
        </p>
      )}
      <section class="preview" aria-labelledby="template-preview-title">
        <h3 id="template-preview-title">Preview</h3>
        <p>
          <strong>Subject:</strong> {preview(template.subject)}
        </p>
        <div class="body">{preview(template.body)}</div>
      </section>
    </form>
  );
}
