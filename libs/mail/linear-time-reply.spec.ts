import { expectLinearGrowth } from '../../test/support/growth';
import { isAttributionLine } from './reply-patterns';
import { stripHtmlReply, stripReply } from './reply-stripping';

/** Hostile replies: each must cost time linear in its size (see test/support/growth.ts). */
describe('reply stripping on hostile input grows linearly', () => {
  it('stripReply: an attribution opening followed by ">" and 100 KB of blanks', () => {
    expectLinearGrowth(16_000, (size) => `Hi\nOn 2020\nOn >${' '.repeat(size)}`, stripReply);
    expectLinearGrowth(16_000, (size) => `Hi\nOn 2020\nOn >${' \t'.repeat(size / 2)}x`, stripReply);
  });

  it('isAttributionLine: long lines built from attribution words', () => {
    for (const word of ['On 2020 wrote on ', '>   :  ']) {
      expectLinearGrowth(8_000, (size) => word.repeat(size / word.length), isAttributionLine);
    }
  });

  it('stripReply: many lines that each look almost like an attribution', () => {
    for (const line of [
      'x wrote on 2020 x wrote on 2020 ',
      'op 2020 schreef '.repeat(18),
      '2020 написал '.repeat(22),
    ]) {
      expectLinearGrowth(4_000, (size) => `Hi\n${`${line}\n`.repeat(size / line.length)}`, stripReply);
    }
  });

  it('stripHtmlReply: unclosed "<div " tags and unclosed blockquotes', () => {
    expectLinearGrowth(16_000, (size) => '<div '.repeat(size / 5), stripHtmlReply);
    expectLinearGrowth(16_000, (size) => '<blockquote x '.repeat(size / 14), stripHtmlReply);
    expectLinearGrowth(
      16_000,
      (size) => `<div style="${'border:none;border-top:solid '.repeat(size / 28)}">x</div>`,
      stripHtmlReply,
    );
  });

  it('stripHtmlReply: deeply nested unclosed elements', () => {
    expectLinearGrowth(16_000, (size) => `<p>Hi</p>${'<div>'.repeat(size / 5)}x`, stripHtmlReply);
  });
});
