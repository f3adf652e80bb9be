import { expectLinearGrowth } from '../../test/support/growth';
import { htmlToPlainText, sanitizeEmailHtml } from './html';

/** Hostile HTML bodies: each must cost time linear in its size (see test/support/growth.ts). */
describe('HTML handling on hostile input grows linearly', () => {
  it('htmlToPlainText: <pre> with 100 KB of blanks before a letter', () => {
    expectLinearGrowth(16_000, (size) => `<pre>${' '.repeat(size)}x</pre>`, htmlToPlainText);
  });

  it('htmlToPlainText and sanitizeEmailHtml: deeply nested unclosed elements', () => {
    for (const tag of ['<div>', '<div></span>']) {
      expectLinearGrowth(16_000, (size) => `<p>Hi</p>${tag.repeat(size / tag.length)}x`, htmlToPlainText);
      expectLinearGrowth(16_000, (size) => `<p>Hi</p>${tag.repeat(size / tag.length)}x`, sanitizeEmailHtml);
    }
  });

  it('sanitizeEmailHtml: one tag with a huge style attribute', () => {
    expectLinearGrowth(16_000, (size) => `<p style="${'color: red '.repeat(size / 11)}">x</p>`, sanitizeEmailHtml);
  });
});
