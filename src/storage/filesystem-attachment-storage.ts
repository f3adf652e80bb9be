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
 * What a platform answers when it cannot open a folder (Windows: EISDIR, EPERM, EACCES) or cannot flush
 * one (EINVAL, EBADF on some file systems). The rename is still atomic there; its durability is the OS's.
 */
const FOLDER_FLUSH_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF']);

/**
 * Files under `DATA_DIR/attachments/ab/cd/<sha256>`. A put writes a temporary file in the same
 * file system, flushes it to disk and renames it into place, so a crash at any point leaves either
 * no file or the whole file under its key, never half of one. Identical content is stored once.
 *
 * A put returns only once the file and every name leading to it are on disk: the folder holding it is
 * flushed after the rename, and each fan-out folder's own name (in its parent) the first time this
 * process uses the folder. Without a file-system journal, flushing a folder does not keep the folder's
 * own name, and a power cut could otherwise take a file away after the ticket naming it committed.
 */
@Injectable()
export class FilesystemAttachmentStorage extends AttachmentStorage implements OnModuleInit {
  private readonly logger = new Logger(FilesystemAttachmentStorage.name);
  private readonly root: string;
  private readonly temporaryDir: string;
  /**
   * Fan-out folders this process has made sure of (made, and their names flushed), or is making sure
   * of: every put into one waits for the same promise. At most 65,536 + 256.
   */
  private readonly folders = new Map<string, Promise<void>>();
  /** Puts of content whose key is known and is being written: a second put of it waits for the first. */
  private readonly writing = new Map<string, Promise<StoredContent>>();

  constructor(config: AppConfig) {
    super();
    this.root = join(config.dataDir, 'attachments');
    this.temporaryDir = join(this.root, 'tmp');
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.temporaryDir, { recursive: true });
    // The attachments folder's own name, made now or by an earlier process that may have died before this.
    await this.flushFolder(dirname(this.root));
    await this.removeStaleTemporaries();
  }

  async put(content: Buffer | Readable): Promise<StoredContent> {
    if (Buffer.isBuffer(content)) {
      const stored = { key: createHash('sha256').update(content).digest('hex'), size: content.length };
      // The same content twice at once (a logo in every message of a batch): the second waits for the first,
      // rather than finding the file renamed into place but its folder not yet flushed.
      const inFlight = this.writing.get(stored.key);
      if (inFlight) return inFlight;
      const written = this.putBuffer(stored, content).finally(() => this.writing.delete(stored.key));
      this.writing.set(stored.key, written);
      return written;
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

  private async putBuffer(stored: StoredContent, content: Buffer): Promise<StoredContent> {
    if (await this.exists(stored.key)) return stored;
    return this.writeThenCommit(stored, (handle) => handle.writeFile(content));
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
      await this.flushFolder(dirname(finalPath));
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

  /** Renames into the key's fan-out folder, making sure of the folder first (again if it was removed since). */
  private async renameInto(temporaryPath: string, finalPath: string): Promise<void> {
    const folder = dirname(finalPath);
    await this.ensureFolder(folder);
    try {
      await rename(temporaryPath, finalPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.forgetFolder(folder);
      await this.ensureFolder(folder);
      await rename(temporaryPath, finalPath);
    }
  }

  /** `ab/cd`: made if missing, its name flushed in `ab`, and `ab`'s name in the attachments folder. */
  private ensureFolder(folder: string): Promise<void> {
    const parent = dirname(folder);
    return this.once(folder, async () => {
      await mkdir(folder, { recursive: true });
      await Promise.all([this.flushFolder(parent), this.once(parent, () => this.flushFolder(dirname(parent)))]);
    });
  }

  /** Runs `make` for `folder` once per process; a failure is forgotten, so the next put tries again. */
  private once(folder: string, make: () => Promise<void>): Promise<void> {
    const known = this.folders.get(folder);
    if (known) return known;
    const making = make();
    this.folders.set(folder, making);
    making.catch(() => {
      if (this.folders.get(folder) === making) this.folders.delete(folder);
    });
    return making;
  }

  /** An operator removed the folder (or the whole store) by hand: it and its parent are made again. */
  private forgetFolder(folder: string): void {
    this.folders.delete(folder);
    this.folders.delete(dirname(folder));
  }

  /** Makes a folder's entries durable (a rename into it, a folder made in it). */
  protected async flushFolder(path: string): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (FOLDER_FLUSH_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) return;
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      if (!FOLDER_FLUSH_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    } finally {
      await handle.close();
    }
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
