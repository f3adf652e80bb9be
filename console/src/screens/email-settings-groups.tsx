// The two groups of the Email settings form, laid out as the seed's screen: incoming, then outgoing.
import { CheckboxField, SelectField, TextField } from './fields';
import { SECURITY_OPTIONS, type IncomingForm, type OutgoingForm, type Security } from './email-settings-model';

/** Errors by field name: the API's validation messages, or a failed check's reason on the field it concerns. */
export type Errors = Record<string, string | undefined>;

const PASSWORD_SET = 'A password is saved; leave this empty to keep it.';

/** What both groups ask of their server, in the same order and layout. */
type ServerForm = Pick<IncomingForm, 'host' | 'port' | 'security' | 'verifyCertificate'>;

function ServerFields(props: {
  prefix: 'in' | 'out';
  serverLabel: string;
  form: ServerForm;
  errors: Errors;
  patch: (changes: Partial<ServerForm>) => void;
}) {
  const { prefix, form, errors } = props;
  const set = <K extends keyof ServerForm>(key: K, value: ServerForm[K]) => props.patch({ [key]: value });
  return (
    <>
      <div class="row">
        <TextField
          id={`${prefix}-host`}
          label={props.serverLabel}
          value={form.host}
          error={errors.host}
          onValue={(v) => set('host', v)}
        />
        <TextField
          id={`${prefix}-port`}
          label="Port"
          type="number"
          value={form.port}
          error={errors.port}
          onValue={(v) => set('port', v)}
        />
        <SelectField
          id={`${prefix}-security`}
          label="Security"
          value={form.security}
          options={SECURITY_OPTIONS}
          error={errors.security}
          onValue={(v) => set('security', v as Security)}
        />
      </div>
      <CheckboxField
        id={`${prefix}-verify`}
        label="Verify certificate"
        checked={form.verifyCertificate}
        onChecked={(v) => set('verifyCertificate', v)}
        error={errors.verifyCertificate}
      />
    </>
  );
}

export function IncomingGroup(props: { form: IncomingForm; errors: Errors; onChange: (form: IncomingForm) => void }) {
  const { form, errors } = props;
  const set = <K extends keyof IncomingForm>(key: K, value: IncomingForm[K]) =>
    props.onChange({ ...form, [key]: value });
  return (
    <fieldset>
      <legend>Incoming email settings</legend>
      <ServerFields
        prefix="in"
        serverLabel="IMAP server"
        form={form}
        errors={errors}
        patch={(changes) => props.onChange({ ...form, ...changes })}
      />
      <TextField
        id="in-username"
        label="E-mail address"
        value={form.username}
        error={errors.username}
        hint="The mailbox login, usually its address."
        onValue={(v) => set('username', v)}
      />
      <TextField
        id="in-password"
        label="Password"
        type="password"
        autocomplete="new-password"
        value={form.password}
        error={errors.password}
        hint={form.passwordSet ? PASSWORD_SET : undefined}
        onValue={(v) => set('password', v)}
      />
      <TextField
        id="in-folder"
        label="Folder"
        value={form.folder}
        error={errors.folder}
        onValue={(v) => set('folder', v)}
      />
      <TextField
        id="in-address"
        label="Support address"
        type="email"
        value={form.address}
        error={errors.address}
        hint="The address customers write to, when the login is not that address."
        onValue={(v) => set('address', v)}
      />
    </fieldset>
  );
}

export function OutgoingGroup(props: { form: OutgoingForm; errors: Errors; onChange: (form: OutgoingForm) => void }) {
  const { form, errors } = props;
  const set = <K extends keyof OutgoingForm>(key: K, value: OutgoingForm[K]) =>
    props.onChange({ ...form, [key]: value });
  return (
    <fieldset>
      <legend>Outgoing email settings</legend>
      <ServerFields
        prefix="out"
        serverLabel="SMTP server"
        form={form}
        errors={errors}
        patch={(changes) => props.onChange({ ...form, ...changes })}
      />
      <CheckboxField
        id="out-reuse"
        label="Use e-mail and password from incoming settings"
        checked={form.useIncomingCredentials}
        onChecked={(v) => set('useIncomingCredentials', v)}
        error={errors.useIncomingCredentials}
      />
      {!form.useIncomingCredentials && (
        <>
          <TextField
            id="out-username"
            label="SMTP user name"
            value={form.username}
            error={errors.username}
            onValue={(v) => set('username', v)}
          />
          <TextField
            id="out-password"
            label="SMTP password"
            type="password"
            autocomplete="new-password"
            value={form.password}
            error={errors.password}
            hint={form.passwordSet ? PASSWORD_SET : undefined}
            onValue={(v) => set('password', v)}
          />
        </>
      )}
      <div class="row">
        <TextField
          id="out-from-name"
          label="From name"
          value={form.fromName}
          error={errors.fromName}
          onValue={(v) => set('fromName', v)}
        />
        <TextField
          id="out-from-address"
          label="From address"
          type="email"
          value={form.fromAddress}
          error={errors.fromAddress}
          hint="Defaults to the support address."
          onValue={(v) => set('fromAddress', v)}
        />
      </div>
    </fieldset>
  );
}
