import { parse as parseYaml } from 'yaml';
import { type CorpusEntry, listCorpusMessages, readCorpusText } from './corpus';

/**
 * What the corpus's upstream projects state about a message's subject, sender and attachment names,
 * read from their expected-result files (see shared/corpus/README.md). A field is absent where the
 * upstream file says nothing about it, so only stated values are ever compared.
 */
export interface UpstreamExpectation {
  path: string;
  subject?: string;
  /** The sender's address, lower-case. */
  sender?: string;
  /** Every attachment's name, sorted; only where upstream names each attachment. */
  attachmentNames?: string[];
}

interface ZammadResult {
  from_email?: string | null;
  subject?: string | null;
  attachments?: { filename: string }[] | null;
}

/** Zammad's `mailNNN.yml`. Zammad also keeps the HTML body as a `message.html` attachment: not an attachment. */
function fromZammad(entry: CorpusEntry): UpstreamExpectation {
  // Ruby type tags carry no data; `!binary` attachment bytes are not needed here.
  const text = readCorpusText(entry.expectedFiles[0]).replace(/!ruby\/\S+/g, '');
  const result = parseYaml(text, { customTags: [{ tag: '!binary', resolve: () => '' }] }) as ZammadResult;
  const names = (result.attachments ?? []).map((a) => String(a.filename)).filter((name) => name !== 'message.html');
  return {
    path: entry.path,
    subject: String(result.subject ?? ''),
    ...(result.from_email ? { sender: String(result.from_email).toLowerCase() } : {}),
    ...(names.length > 0 ? { attachmentNames: names.sort() } : {}),
  };
}

interface StalwartHeader {
  name: string;
  value: {
    Text?: string;
    Address?: { List?: { address: string | null }[] };
    ContentType?: { attributes?: { name: string; value: string }[] | null };
  };
}

interface StalwartMessage {
  attachments: number[];
  parts: { headers: StalwartHeader[] }[];
}

function header(part: { headers: StalwartHeader[] }, name: string): StalwartHeader['value'] | undefined {
  return part.headers.find((entry) => entry.name === name)?.value;
}

function attribute(value: StalwartHeader['value'] | undefined, name: string): string | undefined {
  return value?.ContentType?.attributes?.find((entry) => entry.name === name)?.value;
}

/** Stalwart's `NNN.json` (the serde form of its parsed message); its attachment names are the part parameters. */
function fromStalwart(entry: CorpusEntry): UpstreamExpectation {
  const file = entry.expectedFiles.find((name) => name.endsWith('.json') && !name.endsWith('.crlf.json'));
  const message = JSON.parse(readCorpusText(file!)) as StalwartMessage;
  const top = message.parts[0];
  const subject = header(top, 'subject')?.Text;
  const sender = header(top, 'from')?.Address?.List?.[0]?.address;
  const names = message.attachments.map((index) => {
    const part = message.parts[index];
    return (
      attribute(header(part, 'content_disposition'), 'filename') ?? attribute(header(part, 'content_type'), 'name')
    );
  });
  const allNamed = names.length > 0 && names.every((name) => name !== undefined);
  return {
    path: entry.path,
    ...(subject !== undefined ? { subject } : {}),
    ...(sender ? { sender: sender.toLowerCase() } : {}),
    ...(allNamed ? { attachmentNames: (names as string[]).sort() } : {}),
  };
}

/** Every corpus message whose upstream states a subject, sender or attachment names. */
export function listUpstreamExpectations(): UpstreamExpectation[] {
  return listCorpusMessages().flatMap((entry) => {
    if (entry.source === 'zammad') return [fromZammad(entry)];
    if (entry.source === 'stalwart') return [fromStalwart(entry)];
    return [];
  });
}
