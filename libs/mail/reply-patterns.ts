import { trimTrailingBlanks } from './text-lines';

/**
 * Line patterns that mark where quoted history, forwarded mail and signatures begin in plain-text
 * replies, in the languages our customers' mail clients write. Used by reply-stripping.ts.
 */

/** A line that only separates (signature dashes, rules, Gmail's tracking mark "ᐧ"). */
export const DELIMITER_LINE = /^[ \t]*[-_=+~#*ᐧ—]+[ \t]*$/u;

const DEVICES =
  'iphone|ipad|android|blackberry|samsung|galaxy|huawei|pixel|outlook|mail for windows|windows mail|yahoo|aol|gmail|airmail|sparrow|spark|bluemail|mobile|phone|smartphone|tablet|device';

/**
 * Signatures added by mobile and desktop clients; they stand on a line of their own. Only
 * client and device names count, so "Sent from the warehouse on Monday." stays text.
 */
export const SIGNATURE_LINE = new RegExp(
  '^[ \\t]*(?:' +
    [
      `[\\(<]*sent (?:from|via|with|by) (?:my )?(?:[\\w-]+ ){0,2}(?:${DEVICES})\\b`,
      'sent from my \\S',
      `\\w+ from mobile|from my (?:${DEVICES})\\b`,
      'get outlook for ',
      'envoyé (?:de|depuis) (?:mon|yahoo mail)',
      'von meinem .+ gesendet',
      'diese nachricht wurde von .+ gesendet',
      'inviato da ',
      'sendt fra min ',
      'enviado do meu ',
      'enviado desde mi ',
      'verzonden met ',
      'verstuurd vanaf mijn ',
      'skickat från min ',
      'från min ',
      '從我的 iphone 傳送',
      '发自我的',
    ].join('|') +
    ')',
  'iu',
);

/** "-----Original Message-----", "Begin forwarded message:" and their translations. */
const FORWARD_MARKER = new RegExp(
  '^(?:' +
    [
      '[ \\t>]*begin forwarded message:',
      '[ \\t>]*début du message réexpédié ?:',
      '[ \\t>*]*-{2,}[ \\t]*(?:forwarded|original|reply) message[ \\t]*-{2,}',
      "[ \\t>*]*-{2,}[ \\t]*(?:message transféré|message d'origine|ursprüngliche nachricht|original nachricht|weitergeleitete nachricht|mensaje original|mensaje reenviado|messaggio originale|mensagem original|oorspronkelijk bericht|doorgestuurd bericht|originalmeddelande|opprinnelig melding|原始邮件|原始郵件|転送されたメッセージ|元のメッセージ)[ \\t]*-{2,}",
    ].join('|') +
    ')',
  'iu',
);

/** "knwang via Discourse Meta wrote:" — forum relays; no date, so the colon is required. */
const VIA_ATTRIBUTION = /^.+ via .+ (?:wrote|schrieb)[ \t]*[:：][ \t]*$/iu;

/**
 * Attribution lines introducing a quote ("On <date>, <someone> wrote:"), one regex per form.
 * They may be preceded by quote marks or dashes ("---- On … wrote ----"). Real attributions
 * carry a date or an address, which is required below so that a sentence such as
 * "At the end he wrote" is not mistaken for one.
 */
const ATTRIBUTION = new RegExp(
  '^(?:' +
    [
      // English: On … wrote:, At … wrote:, In message … writes:
      '[ \\t<>-]*(?:on|at) .+(?:wrote|writes)[ \\t:>-]*',
      '[ \\t<>-]*in message .+writes[ \\t.:>-]*',
      // French, German, Dutch, Spanish, Portuguese, Italian, Polish, Norwegian/Danish
      '[ \\t<>-]*le .+(?:a écrit|nous a dit)[ \\t.:>-]*',
      '[ \\t<>-]*am .+(?:schrieben sie|geschrieben|schrieb)\\b.*[:：]',
      '[ \\t<>-]*op .+(?:het volgende geschreven|schreef\\b.*)[ \\t]*[:：][ \\t]*',
      '[ \\t<>-]*el .+escribió[ \\t.:>-]*',
      '[ \\t<>-]*em .+escreveu[ \\t.:>-]*',
      '[ \\t<>-]*il .+ha scritto[ \\t.:>-]*',
      '[ \\t<>-]*(?:dnia|dňa) .+napisał(?:\\(a\\))?[ \\t.:>-]*',
      '[ \\t<>-]*den .+skrev\\b.*[:：]',
      // Chinese: 在 … 写道：
      '[ \\t<>-]*在.+写道[ \\t.:：>-]*',
      // Russian, Ukrainian, Polish without a leading word: "<date> пользователь X написал:"
      '.*\\d{4}.{0,120}(?:написал[а]?|пише|napisał(?:\\(a\\))?)[ \\t]*[:：]',
      // "Someone <a@b.c> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:", "X wrote on …:"
      '.+\\b(?:wrote|schrieb)[ \\t]+(?:on|am)\\b.+[:：]',
      // "2016-10-24 15:36 GMT+02:00 Someone <a@b.c>:", "26.06.2014, 14:41, "X" <a@b.c>:"
      '.*\\d{4}.{1,80}<[^@<>\\s]+@[^@<>\\s]+\\.[^@<>\\s]+>[ \\t]*[:：]?',
      // "Some One <a@b.c> wrote:", "X (a@b.c) wrote:", "X <a@b.c> schrieb:"
      '[^@]{0,200}@[\\w.-]{1,100}\\.\\w{2,}\\b.{0,200}(?:wrote|schrieb)[ \\t]*[:：]?',
    ].join('|') +
    ')$',
  'iu',
);

/**
 * Every attribution form ends in one of these words or in "<address>:". Testing for them first
 * keeps the expensive patterns off ordinary lines (and off hostile ones built to be slow).
 */
const ATTRIBUTION_WORD =
  /wrote|writes|schrieb|geschrieben|écrit|a dit|escribió|escreveu|scritto|napisał|skrev|schreef|写道|написал|пише/i;

/**
 * Whether the line ends in ">", ">:" or ">：" (blanks allowed around the colon), checked from the
 * end: as a pattern (`>[ \t]*[:：]?[ \t]*$`) it rescans the blanks after every ">" twice over.
 */
function endsWithAddressClose(probe: string): boolean {
  let rest = trimTrailingBlanks(probe);
  if (rest.endsWith(':') || rest.endsWith('：')) {
    rest = trimTrailingBlanks(rest.slice(0, -1));
  }
  return rest.endsWith('>');
}

/**
 * Attributions are a date, a name and an address with a few words: under 300 characters even when
 * a client wrapped them over several lines. Longer lines are text; the patterns above are only ever
 * run on lines up to this length, which bounds what their backtracking can cost per line.
 */
const MAX_ATTRIBUTION_LINE_LENGTH = 1000;

/** Whether a line introduces quoted or forwarded history. */
export function isAttributionLine(line: string): boolean {
  if (line.length > MAX_ATTRIBUTION_LINE_LENGTH) {
    return false;
  }
  // French typography puts a no-break space before the colon ("a écrit :").
  const probe = line.replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ');
  if (FORWARD_MARKER.test(probe)) {
    return true;
  }
  if (!ATTRIBUTION_WORD.test(probe) && !endsWithAddressClose(probe)) {
    return false;
  }
  return VIA_ATTRIBUTION.test(probe) || (/[\d@]/.test(probe) && ATTRIBUTION.test(probe));
}

/** The opening words of an attribution ("On …", "Am …", "Le …", "在 …"). */
export const ATTRIBUTION_OPENING = /^[ \t<>-]*(?:(?:on|at|le|am|op|el|em|il|dnia|dňa|den)\s|在)/iu;

/**
 * Lines that may be the first part of an attribution a client wrapped over several lines; only
 * these are tried joined with the lines after them.
 */
export const ATTRIBUTION_START = new RegExp(`${ATTRIBUTION_OPENING.source}|\\d{4}|\\S@\\S`, 'iu');

/** Quoted lines: "> text", and the initials style "JS> text" some Usenet-era clients write. */
export const QUOTE_LINE = /^[ \t]*(?:>|[A-Z]{1,3}>(?:[ \t>]|$))/;

/** Header names of an inline quoted or forwarded message, per language. */
const HEADER_NAMES = [
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'sent',
  // German, French, Spanish/Portuguese, Italian, Dutch, Scandinavian, Polish, Czech, Russian, Chinese
  'von',
  'an',
  'betreff',
  'gesendet',
  'datum',
  'de',
  'expéditeur',
  'à',
  'destinataire',
  'répondre à',
  'objet',
  'envoyé',
  'para',
  'asunto',
  'assunto',
  'enviado',
  'enviada em',
  'fecha',
  'da',
  'risposta',
  'a',
  'oggetto',
  'inviato',
  'data',
  'van',
  'aan',
  'onderwerp',
  'verzonden',
  'från',
  'till',
  'ämne',
  'skickat',
  'fra',
  'til',
  'emne',
  'sendt',
  'od',
  'do',
  'temat',
  'wysłano',
  'komu',
  'předmět',
  'odesláno',
  'от',
  'кому',
  'тема',
  'отправлено',
  'дата',
  '发件人',
  '收件人',
  '主题',
  '发送时间',
  '日期',
];

/** "From: …", "*Sent:* …", "Betreff: …" — a header line of an inline quoted message. */
export const HEADER_LINE = new RegExp(`^[ \\t*]*(?:${HEADER_NAMES.join('|')})[ \\t*]*[:：][ \\t*]*\\S`, 'iu');

/** Header names that show a header block is a quoted message, not a form the customer filled in. */
export const SENDER_HEADER_LINE = /^[ \t*]*(?:from|von|de|da|van|från|fra|od|от|发件人|expéditeur)[ \t*]*[:：]/iu;

/** Opening and closing lines of a fenced code block; markers inside code are content. */
export const CODE_FENCE = /^[ \t]*(?:```|~~~)/;
