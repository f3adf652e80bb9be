import { itCorpus, readCorpusFile } from '../../test/support/corpus';
import { parseMessage } from './parse-message';
import {
  addSubjectToken,
  extractReferencedIds,
  findSubjectTokens,
  formatSubjectToken,
  normaliseSubject,
} from './thread-keys';

describe('extractReferencedIds', () => {
  it('lists the parent first, then References from newest to oldest, without duplicates', () => {
    expect(
      extractReferencedIds({
        inReplyTo: ['parent@example.com'],
        references: ['root@example.com', 'middle@example.com', 'parent@example.com'],
      }),
    ).toEqual(['parent@example.com', 'middle@example.com', 'root@example.com']);
  });

  it('normalises ids that still carry brackets', () => {
    expect(extractReferencedIds({ inReplyTo: ['<a@example.com>'], references: [] })).toEqual(['a@example.com']);
  });

  itCorpus('reads a real Thunderbird reply', async () => {
    const message = await parseMessage(readCorpusFile('mikel-mail/rfc2822/example07.eml'));
    expect(extractReferencedIds(message)).toEqual(['3456@example.net', '1234@local.machine.example']);
  });
});

describe('subject tokens', () => {
  it('formats and finds ticket numbers', () => {
    expect(formatSubjectToken(42)).toBe('[#42]');
    expect(findSubjectTokens('Re: [#42] Printer')).toEqual([42]);
    expect(findSubjectTokens('AW: SV: Fwd: Printer [# 42 ] and [#7] [#42]')).toEqual([42, 7]);
    expect(findSubjectTokens('Printer #42 [42] [#]')).toEqual([]);
  });

  it('rejects numbers that cannot be ticket numbers', () => {
    expect(() => formatSubjectToken(0)).toThrow(RangeError);
    expect(() => formatSubjectToken(1.5)).toThrow(RangeError);
  });

  it('adds the token once', () => {
    expect(addSubjectToken('Printer broken ', 42)).toBe('Printer broken [#42]');
    expect(addSubjectToken('Re: Printer broken [#42]', 42)).toBe('Re: Printer broken [#42]');
    expect(addSubjectToken('Re: about [#41]', 42)).toBe('Re: about [#41] [#42]');
    expect(addSubjectToken('', 42)).toBe('[#42]');
  });
});

describe('normaliseSubject', () => {
  it('strips reply and forward prefixes in many languages and forms', () => {
    const cases: [string, string][] = [
      ['Re: Printer', 'Printer'],
      ['RE: AW: Fwd: FW: Printer', 'Printer'],
      ['AW:Installation [Ticket#11392]', 'Installation [Ticket#11392]'],
      ['Antwort: Probleme ADB', 'Probleme ADB'],
      ['WG: Rechnung', 'Rechnung'],
      ['SV: VS: Faktura', 'Faktura'],
      ['TR : RE : Facture', 'Facture'],
      ['Re[2]: Printer', 'Printer'],
      ['Re(3): Printer', 'Printer'],
      ['RV: Factura', 'Factura'],
      ['Odp: Faktura', 'Faktura'],
      ['回复：发票', '发票'],
      ['Ответ: Счёт', 'Счёт'],
      ['  Re:   Printer   is  broken ', 'Printer is broken'],
    ];
    for (const [subject, expected] of cases) {
      expect({ subject, normalised: normaliseSubject(subject) }).toEqual({ subject, normalised: expected });
    }
  });

  it('keeps words that merely start like a prefix, and ticket tokens', () => {
    expect(normaliseSubject('Rechnung: Re-Installation')).toBe('Rechnung: Re-Installation');
    expect(normaliseSubject('Regarding: Printer')).toBe('Regarding: Printer');
    expect(normaliseSubject('Re: [#42] Printer')).toBe('[#42] Printer');
  });
});
