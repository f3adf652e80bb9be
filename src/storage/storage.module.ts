import { Module } from '@nestjs/common';
import { AttachmentStorage } from './attachment-storage';
import { FilesystemAttachmentStorage } from './filesystem-attachment-storage';

/**
 * Attachment bytes. Callers inject the abstract AttachmentStorage; swapping the filesystem for an
 * object store means providing another implementation here.
 */
@Module({
  providers: [{ provide: AttachmentStorage, useClass: FilesystemAttachmentStorage }],
  exports: [AttachmentStorage],
})
export class StorageModule {}
