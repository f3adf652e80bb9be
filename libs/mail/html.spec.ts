import { itCorpus, listCorpusMessages, readCorpusFile } from '../../test/support/corpus';
import { htmlToPlainText, sanitizeEmailHtml } from './html';
import { parseMessage } from './parse-message';

describe('sanitizeEmailHtml', () => {
  it('removes scripts, style sheets, event handlers and javascript: links', () => {
    const html =
      '<style>body{display:none}</style><script>alert(1)</script>' +
      '<p onclick="steal()" onmouseover="x()">Hi <a href="javascript:alert(1)">a</a> <a href="java&#x0A;script:alert(2)">b</a></p>' +
      '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="pw"></form>';
    const clean = sanitizeEmailHtml(html);
    expect(clean).not.toMatch(/script|<style|onclick|onmouseover|iframe|<form|<input|display:none/i);
    expect(clean).toContain('Hi');
  });

  it('keeps cid: and https: images, drops http:, tracking pixels and non-image data URLs', () => {
    const clean = sanitizeEmailHtml(
      '<img src="cid:image001.png@01D4" alt="logo"><img src="https://cdn.example/a.png">' +
        '<img src="http://cdn.example/b.png"><img src="https://t.example/p.gif" width="1" height="1">' +
        '<img src="https://t.example/q.gif" style="width:1px;height:1px">' +
        '<img src="data:image/png;base64,iVBORw0KGgo="><img src="data:text/html;base64,PHNjcmlwdD4=">',
    );
    expect(clean).toContain('src="cid:image001.png@01D4"');
    expect(clean).toContain('src="https://cdn.example/a.png"');
    expect(clean).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(clean).not.toMatch(/http:\/\/cdn|t\.example|data:text/);
  });

  it('keeps harmless inline styles but never remote loads or expressions', () => {
    const clean = sanitizeEmailHtml(
      '<p style="color: #1F497D; font-size: 11pt; background-image: url(https://t.example/x); position: fixed">a</p>' +
        '<p style="width: expression(alert(1))">b</p>',
    );
    expect(clean).toContain('color:#1F497D');
    expect(clean).toContain('font-size:11pt');
    expect(clean).not.toMatch(/url|expression|position/);
  });

  it('opens links in a new tab without a referrer and drops classes and ids', () => {
    expect(sanitizeEmailHtml('<a href="https://example.com" class="x" id="y">go</a>')).toBe(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">go</a>',
    );
  });

  itCorpus('leaves no active content in any HTML body of the corpus', async () => {
    for (const entry of listCorpusMessages()) {
      const { html } = await parseMessage(readCorpusFile(entry.path));
      if (html) {
        const clean = sanitizeEmailHtml(html);
        expect({ path: entry.path, active: /<script|<style|\son\w+\s*=|javascript:|<iframe/i.test(clean) }).toEqual({
          path: entry.path,
          active: false,
        });
      }
    }
  });
});

describe('htmlToPlainText', () => {
  it('renders paragraphs, keeps long lines unwrapped and shows differing link targets', () => {
    const long = 'On Mon, Feb 1, 2016 at 4:58 AM, Some One <someone@example.com> wrote something very long indeed';
    const text = htmlToPlainText(
      `<h1>Title</h1><p>${long.replace('<', '&lt;').replace('>', '&gt;')}</p><p><a href="https://example.com/x">here</a> <a href="https://a.example">https://a.example</a></p><img src="cid:x" alt="logo">`,
    );
    expect(text).toBe(`Title\n\n${long}\n\nhere [https://example.com/x] https://a.example`);
  });

  it('reads layout tables row by row with cells apart', () => {
    expect(
      htmlToPlainText('<table><tr><td>From:</td><td>Ann</td></tr><tr><td>Date:</td><td>Monday</td></tr></table>'),
    ).toBe('From: Ann\nDate: Monday');
  });

  itCorpus('survives the 570 KB deeply nested HTML that breaks naive parsers', async () => {
    const message = await parseMessage(readCorpusFile('nodemailer-mailparser/htmllargecallstack.eml'));
    expect(message.html?.length).toBeGreaterThan(500_000);
    expect(typeof htmlToPlainText(message.html!)).toBe('string');
  });
});
