import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { corpusDir, corpusFileExists, describeCorpus, readCorpusFile, readCorpusText } from '../../test/support/corpus';
import { parseMessage } from './parse-message';
import { sameAsideFromWhitespace, stripHtmlReply, stripReply } from './reply-stripping';

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

describeCorpus('stripReply on discourse/email_reply_trimmer cases', () => {
  const folder = 'reply-stripping/email_reply_trimmer';
  const names = readdirSync(path.join(corpusDir(), folder, 'emails')).sort();
  // Cases we knowingly get wrong, with the reason. A case listed here must still fail, so a fix
  // (or a different regression) shows up. Empty: all 46 pass.
  const KNOWN_FAILURES: Record<string, string> = {};

  it('has all 46 cases', () => {
    expect(names).toHaveLength(46);
  });

  for (const name of names) {
    // `trimmed/` is the visible reply and `elided/` what was cut off (quote, signature or
    // embedded mail). `before/` and `embedded/` describe upstream's separate embedded-mail
    // extraction, which we do not offer; for these cases `before` equals `trimmed` anyway.
    it(`${name}: keeps the reply and drops the history`, () => {
      const { visible } = stripReply(readCorpusText(`${folder}/emails/${name}`));
      const expected = readCorpusText(`${folder}/trimmed/${name}`);
      const elided = corpusFileExists(`${folder}/elided/${name}`) ? readCorpusText(`${folder}/elided/${name}`) : '';
      // Lines of the removed part with real content that are not also part of the reply.
      const leaked = elided
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.replace(/[^\p{L}\p{N}]/gu, '').length >= 8 && !expected.includes(line))
        .filter((line) => visible.includes(line));
      if (name in KNOWN_FAILURES) {
        expect(squash(visible).includes(squash(expected)) && leaked.length === 0).toBe(false);
        return;
      }
      expect(squash(visible)).toContain(squash(expected));
      expect(leaked).toEqual([]);
    });
  }
});

describeCorpus('stripReply on mailgun/talon standard replies', () => {
  // Talon keeps signatures; we drop them (signature delimiter "-- "), by design: the ticket
  // shows the customer's words, and the full text stays available.
  const KNOWN_DIFFERENCES: Record<string, string> = {
    'standard_replies/sparrow.eml': 'Hello',
  };
  const cases = ['android', 'aol', 'apple_mail', 'apple_mail_2', 'gmail', 'sparrow', 'thunderbird', 'yahoo'];

  for (const name of cases) {
    const file = `standard_replies/${name}.eml`;
    it(`${file}: the visible reply is exactly the expected text`, async () => {
      const message = await parseMessage(readCorpusFile(`reply-stripping/talon/${file}`));
      const replyTextFile = `reply-stripping/talon/standard_replies/${name}_reply_text`;
      const expected = corpusFileExists(replyTextFile) ? readCorpusText(replyTextFile).trim() : 'Hello';
      const result = stripReply(message.text ?? '');
      expect(result.visible).toBe(KNOWN_DIFFERENCES[file] ?? expected);
      expect(result.quoted).toBe(true);
    });
  }

  it('reply-quotations-share-block.eml: keeps text, drops the quoted booking inquiry', async () => {
    const message = await parseMessage(readCorpusFile('reply-stripping/talon/reply-quotations-share-block.eml'));
    const { visible } = stripReply(message.text ?? '');
    expect(visible).toMatch(/^Hi Katharine\./);
    expect(visible).toMatch(/Joe XXX$/);
    expect(visible).not.toContain('From');
  });
});

describeCorpus('stripHtmlReply on mailgun/talon HTML replies', () => {
  const expected = 'Hi. I am fine.\n\nThanks,\nAlex';
  for (const name of ['gmail', 'hotmail', 'ms_outlook_2003', 'ms_outlook_2010', 'thunderbird', 'yandex_ru']) {
    it(`${name}.html: only the reply is left`, () => {
      const result = stripHtmlReply(readCorpusText(`reply-stripping/talon/html_replies/${name}.html`));
      expect(result.visible.replace(/\s+/g, '')).toBe(expected.replace(/\s+/g, ''));
      expect(result.quoted).toBe(true);
    });
  }
});

describe('stripReply behaviour', () => {
  it('leaves a message without history untouched', () => {
    expect(stripReply('Hello,\n\nmy printer is broken.\n\nRegards, Ann\n')).toEqual({
      visible: 'Hello,\n\nmy printer is broken.\n\nRegards, Ann',
      quoted: false,
    });
  });

  it('keeps quotes that are answered inline, without their attribution', () => {
    const text =
      'See below.\nOn Mon, 1 Feb 2016 at 10:00, Bob <bob@example.com> wrote:\n> Can you do A?\nYes.\n> And B?\nNo.';
    expect(stripReply(text).visible).toBe('See below.\n> Can you do A?\nYes.\n> And B?\nNo.');
  });

  it('keeps a message that is only a quote', () => {
    expect(stripReply('> forwarded thought').visible).toBe('> forwarded thought');
  });

  it('does not take sentences for attributions or signatures', () => {
    const text = 'At the end of the day he wrote\nSent from the warehouse on Monday.\nFrom my perspective, fine.';
    expect(stripReply(text)).toEqual({ visible: text, quoted: false });
  });

  it('keeps a form whose heading is underlined, and delimiters inside code blocks', () => {
    const form = 'New message:\n=========\nName: Ann\nPhone: 123';
    expect(stripReply(form).visible).toBe(form);
    const code = 'Run this:\n```\n--\nexit\n```\nThanks';
    expect(stripReply(code).visible).toBe(code);
  });

  it('cuts an Outlook header block and a French attribution with a no-break space', () => {
    const outlook = 'Done.\n\nFrom: Support <s@example.com>\nSent: Monday\nTo: Ann\nSubject: Printer\n\nOld text';
    expect(stripReply(outlook).visible).toBe('Done.');
    expect(stripReply('Merci.\n\nLe 3 mai 2024, Ann a écrit\u00a0:\n> Bonjour').visible).toBe('Merci.');
  });
});

describe('stripHtmlReply behaviour', () => {
  it('keeps the forwarded body of a pure Gmail forward', () => {
    const html =
      '<div class="gmail_quote">---------- Forwarded message ---------<br>From: A &lt;a@example.com&gt;<br>' +
      'Date: Mon, 1 Jan 2024<br>Subject: x<br>To: b@example.com<br><br><div>Please help</div></div>';
    expect(stripHtmlReply(html)).toEqual({ visible: 'Please help', quoted: true });
  });

  it('cuts at the Outlook reply separator', () => {
    const html =
      '<p>Fixed now.</p><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> x</div><p>old</p>';
    expect(stripHtmlReply(html)).toEqual({ visible: 'Fixed now.', quoted: true });
  });
});

describe('sameAsideFromWhitespace', () => {
  it('agrees with collapsing whitespace runs and trimming, on random texts', () => {
    // Letters, every kind of whitespace \s knows, and characters that look like it but are not (U+200B, U+180E).
    const alphabet = [
      'a',
      'b',
      ' ',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      '\u00a0',
      '\u2003',
      '\u3000',
      '\ufeff',
      '\u200b',
      '\u180e',
    ];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const text = () => Array.from({ length: random(9) }, () => alphabet[random(alphabet.length)]).join('');
    let same = 0;
    for (let round = 0; round < 5_000; round += 1) {
      const a = text();
      const b = round % 2 === 0 ? text() : a.replace(/\s/g, () => alphabet[2 + random(10)]);
      const expected = squash(a) === squash(b);
      if (expected) same += 1;
      expect({ a, b, same: sameAsideFromWhitespace(a, b) }).toEqual({ a, b, same: expected });
    }
    // Both answers came up often enough to mean something.
    expect(same).toBeGreaterThan(1_250);
    expect(same).toBeLessThan(3_750);
  });
});
