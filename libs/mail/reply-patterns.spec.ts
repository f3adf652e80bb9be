import { DELIMITER_LINE, HEADER_LINE, QUOTE_LINE, SIGNATURE_LINE, isAttributionLine } from './reply-patterns';

describe('reply line patterns', () => {
  it('recognises attributions in many languages', () => {
    for (const line of [
      'On Mon, Feb 1, 2016 at 4:58 AM -0800, "Some One" <foo@bar.com> wrote:',
      'Am 03.02.2016 3:35 nachm. schrieb Max Mustermann <noreply@meta.discourse.org>:',
      'Le 4 janv. 2016 19:03, "Neil Lalonde" <info@discourse.org> a écrit :',
      'El jueves, 21 de noviembre de 2013, codinghorror escribió:',
      'Op 16 aug. 2014 05:13 schreef "codinghorror" <info@discourse.org> het volgende geschreven:',
      'Dnia 14 lip 2015 o godz. 00:25 Michael Downey <info@discourse.org> napisał(a):',
      'Den 15. jun. 2016 kl. 20.42 skrev Jeff Atwood <info@discourse.org>:',
      '> 在 2016年12月12日，下午8:45，Erlend <meta@discoursemail.com> 写道：',
      '30 серп. 2016 р. 20:45 "Arpit" <no-reply@example.com> пише:',
      'codinghorror via Discourse Meta wrote:',
      '-----Original Message-----',
      '-----Ursprüngliche Nachricht-----',
      '> Begin forwarded message:',
    ]) {
      expect({ line, attribution: isAttributionLine(line) }).toEqual({ line, attribution: true });
    }
  });

  it('does not take ordinary sentences for attributions', () => {
    for (const line of [
      'On this day',
      'At the end he wrote',
      'On Monday we shipped it, as I wrote.',
      'Op 3 juni schreef ik je',
    ]) {
      expect({ line, attribution: isAttributionLine(line) }).toEqual({ line, attribution: false });
    }
  });

  it('recognises quotes, delimiters, inline headers and mobile signatures', () => {
    expect(QUOTE_LINE.test('> quoted')).toBe(true);
    expect(QUOTE_LINE.test('JS> quoted')).toBe(true);
    expect(QUOTE_LINE.test('A>B is true')).toBe(false);
    expect(DELIMITER_LINE.test('-- ')).toBe(true);
    expect(DELIMITER_LINE.test('________________________________')).toBe(true);
    expect(DELIMITER_LINE.test('- item')).toBe(false);
    expect(HEADER_LINE.test('*From:* Outlook user')).toBe(true);
    expect(HEADER_LINE.test('Betreff: Rechnung')).toBe(true);
    expect(HEADER_LINE.test('Fromage: brie')).toBe(false);
    expect(SIGNATURE_LINE.test('Sent from my iPhone')).toBe(true);
    expect(SIGNATURE_LINE.test('Von meinem iPhone gesendet')).toBe(true);
    expect(SIGNATURE_LINE.test('Sent from the warehouse on Monday.')).toBe(false);
  });
});
