import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AppConfig } from '../config/app-config';
import { AttachmentContentMissingError } from './attachment-storage';
import { FilesystemAttachmentStorage } from './filesystem-attachment-storage';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Records the folders it flushes; a flush of the folder given to `holdFlushOf` waits until `release`. */
class RecordingStorage extends FilesystemAttachmentStorage {
  readonly flushed: string[] = [];
  private gate: { path: string; opened: Promise<void> } | null = null;
  release: () => void = () => undefined;

  holdFlushOf(path: string): void {
    this.gate = { path, opened: new Promise((resolve) => (this.release = resolve)) };
  }

  protected override async flushFolder(path: string): Promise<void> {
    if (this.gate?.path === path) await this.gate.opened;
    await super.flushFolder(path);
    this.flushed.push(path);
  }
}

/** Two different contents whose keys share a fan-out folder (`ab/cd`). */
function contentsInOneFolder(): [Buffer, Buffer] {
  const seen = new Map<string, Buffer>();
  for (let index = 0; ; index += 1) {
    const content = Buffer.from(`attachment ${index}`);
    const folder = createHash('sha256').update(content).digest('hex').slice(0, 4);
    const other = seen.get(folder);
    if (other) return [other, content];
    seen.set(folder, content);
  }
}

describe('filesystem attachment storage', () => {
  let dataDir: string;
  let storage: FilesystemAttachmentStorage;
  const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hd-storage-'));
    storage = new FilesystemAttachmentStorage({ dataDir } as AppConfig);
    await storage.onModuleInit();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores a buffer under its SHA-256 in a two-level fan-out and reads it back', async () => {
    const content = Buffer.from('hello attachment');
    const stored = await storage.put(content);
    const key = sha256(content);
    expect(stored).toEqual({ key, size: content.length });
    expect(readFileSync(join(dataDir, 'attachments', key.slice(0, 2), key.slice(2, 4), key))).toEqual(content);
    expect(await readAll(await storage.get(key))).toEqual(content);
    expect(await storage.exists(key)).toBe(true);
  });

  it('flushes every name leading to a new file before the put returns', async () => {
    const recording = new RecordingStorage({ dataDir } as AppConfig);
    await recording.onModuleInit();
    // The attachments folder's own name, in DATA_DIR.
    expect(recording.flushed).toEqual([dataDir]);
    const { key } = await recording.put(Buffer.from('a new file in a new folder'));
    const root = join(dataDir, 'attachments');
    const first = join(root, key.slice(0, 2));
    expect([...recording.flushed].sort()).toEqual([dataDir, root, first, join(first, key.slice(2, 4))].sort());
  });

  it('lets a put into a folder another put is making return only once the folder is on disk', async () => {
    const recording = new RecordingStorage({ dataDir } as AppConfig);
    await recording.onModuleInit();
    const [one, two] = contentsInOneFolder();
    const key = sha256(one);
    const first = join(dataDir, 'attachments', key.slice(0, 2));
    recording.holdFlushOf(first);
    const returned: string[] = [];
    const puts = [one, two].map((content) =>
      recording.put(content).then(({ key: stored }) => void returned.push(stored)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Neither may return while the new folder's name is not flushed into its parent.
    expect(returned).toEqual([]);
    recording.release();
    await Promise.all(puts);
    expect(returned.sort()).toEqual([sha256(one), sha256(two)].sort());
    expect(recording.flushed).toContain(first);
  });

  it('writes content that two puts bring at once a single time', async () => {
    const recording = new RecordingStorage({ dataDir } as AppConfig);
    await recording.onModuleInit();
    const content = Buffer.from('the same logo in two messages');
    const key = sha256(content);
    const [a, b] = await Promise.all([recording.put(content), recording.put(content)]);
    expect(a).toEqual({ key, size: content.length });
    expect(b).toEqual(a);
    const folder = join(dataDir, 'attachments', key.slice(0, 2), key.slice(2, 4));
    // One rename into the folder, so one flush of it.
    expect(recording.flushed.filter((path) => path === folder)).toHaveLength(1);
    expect(readdirSync(join(dataDir, 'attachments', 'tmp'))).toEqual([]);
  });

  it('stores a stream, hashing as it writes', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const stored = await storage.put(Readable.from([content.subarray(0, 1000), content.subarray(1000)]));
    expect(stored).toEqual({ key: sha256(content), size: content.length });
    expect(await readAll(await storage.get(stored.key))).toEqual(content);
  });

  it('keeps one copy of identical content, from buffers and streams, also when stored concurrently', async () => {
    const content = Buffer.from('same bytes');
    const results = await Promise.all([
      storage.put(content),
      storage.put(content),
      storage.put(Readable.from([content])),
    ]);
    expect(new Set(results.map((result) => result.key)).size).toBe(1);
    const key = results[0].key;
    expect(readdirSync(join(dataDir, 'attachments', key.slice(0, 2), key.slice(2, 4)))).toEqual([key]);
    expect(readdirSync(join(dataDir, 'attachments', 'tmp'))).toEqual([]);
  });

  it('makes its folders again when they were removed while it runs', async () => {
    const first = Buffer.from('first file');
    const key = (await storage.put(first)).key;
    // An operator clears the storage by hand: the fan-out folder this process made, and its temporary folder.
    rmSync(join(dataDir, 'attachments'), { recursive: true, force: true });
    expect(await storage.put(first)).toEqual({ key, size: first.length });
    expect(await readAll(await storage.get(key))).toEqual(first);
    const streamed = await storage.put(Readable.from([Buffer.from('second file')]));
    expect(await readAll(await storage.get(streamed.key))).toEqual(Buffer.from('second file'));
  });

  it('leaves no file behind when a stream fails half-way', async () => {
    async function* failing() {
      yield Buffer.from('first half');
      throw new Error('connection reset');
    }
    await expect(storage.put(Readable.from(failing()))).rejects.toThrow('connection reset');
    expect(readdirSync(join(dataDir, 'attachments', 'tmp'))).toEqual([]);
    expect(readdirSync(join(dataDir, 'attachments')).sort()).toEqual(['tmp']);
  });

  it('reports missing content and refuses keys that are not SHA-256 hex', async () => {
    const absent = sha256(Buffer.from('never stored'));
    expect(await storage.exists(absent)).toBe(false);
    await expect(storage.get(absent)).rejects.toBeInstanceOf(AttachmentContentMissingError);
    await expect(storage.get('../../etc/passwd')).rejects.toThrow(RangeError);
    await expect(storage.exists('AB'.repeat(32))).rejects.toThrow(RangeError);
  });

  it('removes temporary files that a crashed process left behind, and only old ones', async () => {
    const temporary = join(dataDir, 'attachments', 'tmp');
    mkdirSync(temporary, { recursive: true });
    writeFileSync(join(temporary, 'old.part'), 'half');
    writeFileSync(join(temporary, 'fresh.part'), 'in progress');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(join(temporary, 'old.part'), twoHoursAgo, twoHoursAgo);
    await new FilesystemAttachmentStorage({ dataDir } as AppConfig).onModuleInit();
    expect(readdirSync(temporary)).toEqual(['fresh.part']);
  });
});
