import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppConfig } from '../config/app-config';
import {
  AttachmentContentMissingError,
  AttachmentStorage,
  assertStorageKey,
  StoredContent,
} from './attachment-storage';

/** A temporary file this old belongs to a put that died with its process. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/**
 * Files under `DATA_DIR/attachments/ab/cd/<sha256>`. A put writes a temporary file in the same
 * file system, flushes it to disk and renames it into place, so a crash at any point leaves either
 * no file or the whole file under its key, never half of one. Identical content is stored once.
 */
@Injectable()
export class FilesystemAttachmentStorage extends AttachmentStorage implements OnModuleInit {
  private readonly logger = new Logger(FilesystemAttachmentStorage.name);
  private readonly root: string;
  private readonly temporaryDir: string;
  /** Fan-out directories known to exist: a put into one of them skips its mkdir. At most 65,536. */
  private readonly madeDirectories = new Set<string>();

  constructor(config: AppConfig) {
    super();
    this.root = join(config.dataDir, 'attachments');
    this.temporaryDir = join(this.root, 'tmp');
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.temporaryDir, { recursive: true });
    await this.removeStaleTemporaries();
  }

  async put(content: Buffer | Readable): Promise<StoredContent> {
    if (Buffer.isBuffer(content)) {
      const stored = { key: createHash('sha256').update(content).digest('hex'), size: content.length };
      if (await this.exists(stored.key)) return stored;
      return this.writeThenCommit(stored, (handle) => handle.writeFile(content));
    }
    const hash = createHash('sha256');
    let size = 0;
    const stored = await this.writeThenCommit(null, async (handle) => {
      for await (const chunk of content) {
        const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        hash.update(bytes);
        size += bytes.length;
        await writeAll(handle, bytes);
      }
      return { key: hash.digest('hex'), size };
    });
    return stored;
  }

  async get(key: string): Promise<Readable> {
    assertStorageKey(key);
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AttachmentContentMissingError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertStorageKey(key);
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  private pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  /**
   * Writes into a fresh temporary file, flushes it, and renames it to its key. `known` is the
   * address when it was computed up front; otherwise `write` returns it once all bytes went through.
   */
  private async writeThenCommit(
    known: StoredContent | null,
    write: (handle: FileHandle) => Promise<StoredContent | void>,
  ): Promise<StoredContent> {
    const temporaryPath = join(this.temporaryDir, `${randomUUID()}.part`);
    try {
      const handle = await this.openTemporary(temporaryPath);
      let stored: StoredContent;
      try {
        stored = (await write(handle)) ?? known!;
        // The rename below is made durable by the directory's sync; this makes the bytes durable.
        await handle.datasync();
      } finally {
        await handle.close();
      }
      if (!known && (await this.exists(stored.key))) {
        await rm(temporaryPath, { force: true });
        return stored;
      }
      const finalPath = this.pathOf(stored.key);
      // Atomic; when a concurrent put of the same bytes won the race it replaces identical content.
      await this.renameInto(temporaryPath, finalPath);
      await syncDirectory(dirname(finalPath));
      return stored;
    } catch (error) {
      await rm(temporaryPath, { force: true });
      throw error;
    }
  }

  /** The temporary folder is made at start; it is made again only if someone removed it since. */
  private async openTemporary(path: string): Promise<FileHandle> {
    try {
      return await open(path, 'wx', 0o640);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.temporaryDir, { recursive: true });
      return open(path, 'wx', 0o640);
    }
  }

  /** Makes the fan-out directory the first time this process uses it, or again if it was removed since. */
  private async renameInto(temporaryPath: string, finalPath: string): Promise<void> {
    const directory = dirname(finalPath);
    if (this.madeDirectories.has(directory)) {
      try {
        return await rename(temporaryPath, finalPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        this.madeDirectories.delete(directory);
      }
    }
    const firstMade = await mkdir(directory, { recursive: true });
    // A new folder's name is an entry of its parent: flushed as well, or a power cut could take the
    // folder, and the file about to go in it, away after the ticket that names it has committed.
    if (firstMade) {
      for (let made = directory; made !== dirname(firstMade); made = dirname(made)) {
        await syncDirectory(dirname(made));
      }
    }
    this.madeDirectories.add(directory);
    await rename(temporaryPath, finalPath);
  }

  private async removeStaleTemporaries(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.temporaryDir)) {
      const path = join(this.temporaryDir, name);
      try {
        if (now - (await stat(path)).mtimeMs > STALE_TEMPORARY_MS) await rm(path, { force: true });
      } catch (error) {
        this.logger.warn({ err: error, path }, 'Could not remove a stale temporary attachment file');
      }
    }
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable. Not every platform can open a directory; those skip it. */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // e.g. EISDIR/EPERM on Windows: the rename is still atomic, only its durability is the OS's.
  } finally {
    await handle?.close();
  }
}
