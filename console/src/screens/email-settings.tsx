// Email settings, as the seed's screen: incoming and outgoing settings, Save and the connection checks on
// the left; the Sync service status widget on the right.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api';
import { type Errors, IncomingGroup, OutgoingGroup } from './email-settings-groups';
import {
  type CheckFailure,
  describeFailure,
  fieldOfReason,
  incomingBody,
  incomingForm,
  type IncomingSettings,
  outgoingBody,
  outgoingForm,
  type OutgoingSettings,
} from './email-settings-model';
import { TextField } from './fields';
import { SyncStatus } from './sync-status';

interface Outcome {
  kind: 'ok' | 'error';
  text: string;
}

type Section = 'incoming' | 'outgoing';

export function EmailSettingsScreen() {
  const [incoming, setIncoming] = useState(incomingForm(null));
  const [outgoing, setOutgoing] = useState(outgoingForm(null));
  const [errors, setErrors] = useState<Record<Section, Errors>>({ incoming: {}, outgoing: {} });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [recipient, setRecipient] = useState('');
  const [recipientError, setRecipientError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(false);

  const load = async () => {
    const saved = await api<{ incoming: IncomingSettings | null; outgoing: OutgoingSettings | null }>(
      'GET',
      '/settings/email',
    );
    setIncoming(incomingForm(saved.incoming));
    setOutgoing(outgoingForm(saved.outgoing));
    setLoaded(true);
  };
  useEffect(() => {
    load().catch((error) => setOutcome({ kind: 'error', text: describeError(error) }));
  }, []);

  /** Runs one action; a validation error lands beside its field, anything else in the status line. */
  const run = async (section: Section | null, action: () => Promise<Outcome | null>) => {
    setBusy(true);
    setOutcome(null);
    setErrors({ incoming: {}, outgoing: {} });
    setRecipientError(undefined);
    try {
      setOutcome(await action());
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && section) {
        setErrors((all) => ({ ...all, [section]: error.fieldErrors() }));
        setOutcome({ kind: 'error', text: `The ${section} settings have errors; see the fields marked.` });
      } else {
        setOutcome({ kind: 'error', text: describeError(error) });
      }
    } finally {
      setBusy(false);
    }
  };

  const failedCheck = (section: Section, failure: CheckFailure): Outcome => {
    const text = describeFailure(failure);
    setErrors((all) => ({ ...all, [section]: { [fieldOfReason(failure.reason)]: text } }));
    return { kind: 'error', text: `The ${section} check failed. ${text}` };
  };

  const save = () =>
    run('incoming', async () => {
      await api('PUT', '/settings/email/incoming', incomingBody(incoming));
      if (outgoing.host.trim() !== '') {
        try {
          await api('PUT', '/settings/email/outgoing', outgoingBody(outgoing));
        } catch (error) {
          if (error instanceof ApiError && error.status === 400) {
            setErrors((all) => ({ ...all, outgoing: error.fieldErrors() }));
            return { kind: 'error', text: 'Incoming settings saved; the outgoing settings have errors.' };
          }
          throw error;
        }
      }
      await load();
      return { kind: 'ok', text: 'Settings saved.' };
    });

  const testIncoming = () =>
    run('incoming', async () => {
      const result = await api<{ ok: true; folder: string; messages: number } | CheckFailure>(
        'POST',
        '/settings/email/incoming/test',
        incomingBody(incoming),
      );
      if (!result.ok) return failedCheck('incoming', result);
      return { kind: 'ok', text: `Incoming works: ${result.folder} holds ${result.messages} messages.` };
    });

  const testOutgoing = () => {
    if (!recipient.trim()) {
      setRecipientError('Enter the address the test message goes to.');
      return;
    }
    return run(null, async () => {
      const result = await api<{ ok: true } | CheckFailure>('POST', '/settings/email/outgoing/test', {
        to: recipient.trim(),
      });
      if (!result.ok) return failedCheck('outgoing', result);
      return { kind: 'ok', text: `A test message went to ${recipient.trim()}.` };
    });
  };

  const verify = () =>
    run(null, async () => {
      const result = await api<{ ok: true; roundTripMs: number; address: string } | CheckFailure>(
        'POST',
        '/settings/email/verify',
      );
      if (!result.ok) return failedCheck(result.stage === 'send' ? 'outgoing' : 'incoming', result);
      return {
        kind: 'ok',
        text: `Round trip works: ${result.address} received the probe in ${result.roundTripMs} ms.`,
      };
    });

  return (
    <section aria-labelledby="email-settings-title">
      <h1 id="email-settings-title">Email settings</h1>
      <div class="settings-layout">
        <form
          class="settings-form"
          aria-busy={!loaded || busy}
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <IncomingGroup form={incoming} errors={errors.incoming} onChange={setIncoming} />
          <OutgoingGroup form={outgoing} errors={errors.outgoing} onChange={setOutgoing} />
          <div class="row">
            <TextField
              id="test-recipient"
              label="Test message recipient"
              type="email"
              value={recipient}
              error={recipientError}
              onValue={setRecipient}
            />
          </div>
          <div class="actions">
            <button type="submit" disabled={busy}>
              Save
            </button>
            <button type="button" disabled={busy} onClick={testIncoming}>
              Test incoming email
            </button>
            <button type="button" disabled={busy} onClick={testOutgoing}>
              Test outgoing email
            </button>
            <button type="button" disabled={busy} onClick={verify}>
              Verify round trip
            </button>
          </div>
          <p class={outcome?.kind === 'error' ? 'error' : 'ok'} role="status" aria-live="polite">
            {busy ? 'Working…' : (outcome?.text ?? '')}
          </p>
        </form>
        <SyncStatus />
      </div>
    </section>
  );
}
