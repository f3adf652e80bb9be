import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SetPushDto {
  @ApiProperty({
    example: true,
    description: 'Keep an IMAP IDLE connection so new mail becomes a ticket within seconds (default true)',
  })
  @IsBoolean()
  enabled!: boolean;
}
