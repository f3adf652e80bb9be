import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';

export class SendTestMessageDto {
  @ApiProperty({ example: 'you@example.com', description: 'Where the test message goes' })
  @IsEmail()
  @MaxLength(320)
  to!: string;
}
