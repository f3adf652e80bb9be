import { ApiProperty } from '@nestjs/swagger';

export class PasswordLinkResponse {
  @ApiProperty({ description: 'Until when the mailed link works (once)', example: '2026-12-07T15:30:00.000Z' })
  expiresAt!: Date;
}
