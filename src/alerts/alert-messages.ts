import type { Incident } from './incident.entity';
import { KIND_TEXT } from './incident-kinds';
import type { Notice } from './incidents.repository';

/** An alert mail before it has a sender and a recipient. */
export interface AlertMail {
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** The header that says which incident and notice a mail is: for mail filters (and the tests). */
export const ALERT_HEADER = 'X-Helpdesk-Alert';

const SUBJECT_PREFIX: Record<Notice, string> = {
  opened: 'Alert',
  reminder: 'Still failing',
  recovered: 'Recovered',
};

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The mail for one notice of an incident, in plain text. */
export function composeAlertMail(
  incident: Incident,
  notice: Notice,
  organizationName: string,
  publicUrl: string | null,
): AlertMail {
  const text = KIND_TEXT[incident.kind];
  const lines: string[] = [];
  if (notice === 'recovered') {
    lines.push(text.recovered, '', `The problem began ${utc(incident.openedAt)}.`);
    if (incident.resolvedAt) lines.push(`It cleared ${utc(incident.resolvedAt)}.`);
  } else {
    lines.push(`${text.title}.`, '', `Since: ${utc(incident.openedAt)}`);
    if (incident.lastError) lines.push(`Last error: ${incident.lastError}`);
    lines.push('', `What to do: ${text.hint}`);
    if (notice === 'reminder') {
      lines.push(
        '',
        'This is a daily reminder. Acknowledge the alert to stop reminders; you will still hear when it clears.',
      );
    }
  }
  if (publicUrl) lines.push('', `Helpdesk: ${publicUrl}`);
  lines.push(
    '',
    '--',
    `Sent to the admins of ${organizationName}. Turn alert mail off for yourself with PATCH /api/v1/me {"alertEmails": false}.`,
  );
  return {
    subject: `[${SUBJECT_PREFIX[notice]}] ${text.title} (${organizationName})`,
    text: `${lines.join('\n')}\n`,
    headers: {
      'Auto-Submitted': 'auto-generated',
      [ALERT_HEADER]: `${incident.kind}; notice=${notice}; incident=${incident.id}`,
    },
  };
}
