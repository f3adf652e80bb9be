// The HTML of a mail, shown only inside a sandboxed iframe (no scripts, no same-origin access, no forms)
// with its own Content-Security-Policy: nothing is fetched, so remote images and trackers stay blocked.
// The page's own policy applies inside too (a srcdoc frame inherits it).
const FRAME_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";

function srcdoc(html: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${FRAME_POLICY}">` +
    '<style>body{font:14px/1.4 system-ui,sans-serif;margin:8px;color:#222;background:#fff}img{max-width:100%}</style>' +
    `</head><body>${html}</body></html>`
  );
}

export function MailHtmlFrame({ html, title }: { html: string; title: string }) {
  return (
    <details class="mail-html">
      <summary>Formatted version (remote images blocked)</summary>
      <iframe title={title} sandbox="" referrerpolicy="no-referrer" srcdoc={srcdoc(html)} />
    </details>
  );
}
