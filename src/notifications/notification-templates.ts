import Mustache from 'mustache';

/** Every placeholder a template may use; anything else is refused when the template is saved. */
export const PLACEHOLDERS = [
  'ticket.number',
  'ticket.subject',
  'ticket.status',
  'ticket.priority',
  'requester.name',
  'requester.email',
  'comment.body',
  'comment.author',
  'agent.name',
  'organization.name',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The values for one message, by placeholder (missing ones render empty). */
export type TemplateValues = Partial<Record<Placeholder, string>>;

const KNOWN = new Set<string>(PLACEHOLDERS);
const MAX_SUBJECT = 250;

type Span = [string, string, number, number, ...unknown[]];

/**
 * What is wrong with a template, one message per problem; empty when it may be saved. Templates are
 * logic-less: text and `{{placeholder}}` only (no sections, partials, triple braces or delimiters).
 */
export function templateErrors(template: string): string[] {
  let spans: Span[];
  try {
    spans = Mustache.parse(template) as unknown as Span[];
  } catch (error) {
    return [`is not a valid template: ${(error as Error).message}`];
  }
  const errors: string[] = [];
  for (const [type, value] of spans) {
    if (type === 'text' || type === '!') continue;
    if (type !== 'name') {
      errors.push(`may only use {{placeholder}} tags (found a "${type}" tag for "${value}")`);
    } else if (!KNOWN.has(value)) {
      errors.push(`uses the unknown placeholder {{${value}}}; available: ${PLACEHOLDERS.join(', ')}`);
    }
  }
  return errors;
}

function view(values: TemplateValues): Record<string, Record<string, string>> {
  const nested: Record<string, Record<string, string>> = {};
  for (const name of PLACEHOLDERS) {
    const [group, field] = name.split('.');
    nested[group] ??= {};
    nested[group][field] = values[name] ?? '';
  }
  return nested;
}

/** The template with the values put in as they are (values are never rendered as templates themselves). */
function renderRaw(template: string, values: TemplateValues): string {
  return Mustache.render(template, view(values), {}, { escape: (value: unknown) => String(value) });
}

/** One line for a Subject header: CR, LF and other control characters become spaces; length capped. */
export function renderSubject(template: string, values: TemplateValues): string {
  const line = renderRaw(template, values)
    .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_SUBJECT ? `${line.slice(0, MAX_SUBJECT - 1).trimEnd()}…` : line;
}

export function renderText(template: string, values: TemplateValues): string {
  return renderRaw(template, values).replace(/\r\n?/g, '\n');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/**
 * The HTML part: the plain text escaped as a whole (template and values alike, so nothing a customer
 * wrote can become markup), paragraphs on blank lines, line breaks kept.
 */
export function textToHtml(text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${paragraphs}\n</body></html>\n`;
}
