/** What the browser shows after the provider sent the admin back. */
export interface CallbackOutcome {
  status: number;
  title: string;
  message: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]);

/**
 * A page of its own, no script or style (the API's content security policy allows none), so it shows
 * the same in any browser the admin signed in with.
 */
export function callbackPage(outcome: CallbackOutcome): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(outcome.title)}</title></head>`,
    `<body><h1>${escapeHtml(outcome.title)}</h1><p>${escapeHtml(outcome.message)}</p></body>`,
    '</html>',
  ].join('\n');
}
