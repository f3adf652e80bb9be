import { ApiProperty } from '@nestjs/swagger';
import type { MailConnectionError, MailFailureReason } from '../../common/net/mail-connection-error';

export const MAIL_FAILURE_REASONS: readonly MailFailureReason[] = [
  'dns',
  'refused',
  'timeout',
  'tls',
  'certificate',
  'auth',
  'folder',
  'protocol',
  'blocked',
];

/** A check that could not get through; `reason` is what a settings page branches on. */
export class ConnectionFailureResponse {
  @ApiProperty({ enum: [false], example: false })
  ok!: false;

  @ApiProperty({ enum: MAIL_FAILURE_REASONS, example: 'auth' })
  reason!: MailFailureReason;

  @ApiProperty({ example: 'Authentication failed', description: "What went wrong, often the server's own words" })
  message!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example:
      'The server rejected the user name or password. Gmail, Outlook, Yahoo and iCloud may have password login disabled: create an app password and use it here.',
    description: 'Plain guidance for the admin',
  })
  hint!: string | null;

  static from(error: MailConnectionError): ConnectionFailureResponse {
    return { ok: false, reason: error.reason, message: error.message, hint: error.hint ?? null };
  }
}

export class IncomingCheckSuccessResponse {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({ example: 'INBOX', description: 'The folder as the server names it' })
  folder!: string;

  @ApiProperty({ example: 42, description: 'Messages in the folder' })
  messages!: number;

  @ApiProperty({ example: '1700000000', description: 'IMAP UIDVALIDITY of the folder' })
  uidValidity!: string;
}

export class OutgoingCheckSuccessResponse {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({ example: '<0f9c2a4e-1b7d-4c3e-9a51-5d2b8e7f6a10@example.com>' })
  messageId!: string;
}

export const VERIFY_STAGES = ['send', 'receive'] as const;
export type VerifyStage = (typeof VERIFY_STAGES)[number];

export class VerifySuccessResponse {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({
    example: 1840,
    description: 'From handing the probe to the outgoing server until it was found over IMAP',
  })
  roundTripMs!: number;

  @ApiProperty({ example: 'support@example.com', description: 'Where the probe was sent' })
  address!: string;
}

export class VerifyFailureResponse extends ConnectionFailureResponse {
  @ApiProperty({
    enum: VERIFY_STAGES,
    example: 'send',
    description:
      'send: the outgoing server did not take the probe; receive: the mailbox could not be read or the probe never arrived',
  })
  stage!: VerifyStage;

  @ApiProperty({ example: 'support@example.com', description: 'Where the probe was (to be) sent' })
  address!: string;
}
