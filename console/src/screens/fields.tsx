// Labelled form controls whose error (from the API) sits right beside them and is announced.
import type { ComponentChildren } from 'preact';

interface FieldProps {
  id: string;
  label: string;
  error?: string | null;
  hint?: ComponentChildren;
  children: (describedBy: string | undefined) => ComponentChildren;
}

/** A label, the control, an optional hint and the field's error, wired with aria-describedby. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(ids || undefined)}
      {hint && (
        <span id={`${id}-hint`} class="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} class="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

interface TextProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | null;
  hint?: ComponentChildren;
  type?: 'text' | 'email' | 'password' | 'number';
  autocomplete?: string;
}

export function TextField(props: TextProps) {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      {(describedBy) => (
        <input
          id={props.id}
          // One control for the kinds of text input; Preact's types split them by role.
          type={(props.type ?? 'text') as 'text'}
          value={props.value}
          autocomplete={props.autocomplete ?? 'off'}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy}
          onInput={(event) => props.onValue(event.currentTarget.value)}
        />
      )}
    </Field>
  );
}

interface SelectProps {
  id: string;
  label: string;
  value: string;
  options: Array<[value: string, label: string]>;
  onValue: (value: string) => void;
  error?: string | null;
}

export function SelectField(props: SelectProps) {
  return (
    <Field id={props.id} label={props.label} error={props.error}>
      {(describedBy) => (
        <select
          id={props.id}
          value={props.value}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy}
          onChange={(event) => props.onValue(event.currentTarget.value)}
        >
          {props.options.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckboxField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChecked: (checked: boolean) => void;
  error?: string | null;
}) {
  return (
    <div class="field checkbox">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(event) => props.onChecked(event.currentTarget.checked)}
      />
      <label for={props.id}>{props.label}</label>
      {props.error && (
        <span id={`${props.id}-error`} class="error" role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}
