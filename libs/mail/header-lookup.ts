import type { ParsedMessage } from './parsed-message';

/** The part of a parsed message that header-based classifiers read. */
export type MessageHeaders = Pick<ParsedMessage, 'headers'>;

/** First value of a header (lower-case name), trimmed; undefined when absent. */
export function firstHeader(message: MessageHeaders, name: string): string | undefined {
  return message.headers[name]?.[0]?.trim();
}

/** The value before the first `;`, lower-cased: "auto-replied; x=y" → "auto-replied". */
export function headerToken(value: string | undefined): string | undefined {
  return value?.split(';')[0].trim().toLowerCase();
}

/** A parameter of a structured header: `report-type` of "multipart/report; report-type=delivery-status". */
export function headerParameter(value: string | undefined, parameter: string): string | undefined {
  const match = value ? new RegExp(`;\\s*${parameter}\\s*=\\s*"?([^";\\s]+)`, 'i').exec(value) : null;
  return match ? match[1].toLowerCase() : undefined;
}
