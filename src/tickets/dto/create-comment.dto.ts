import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class CreateCommentDto {
  @ApiProperty({
    example: 'We have sent a technician; the printer should be back this afternoon.',
    maxLength: 100_000,
    description: 'Up to 100,000 characters (up to 400 KB of UTF-8); the whole JSON request body may have up to 512 KB',
  })
  @IsString()
  @Length(1, 100_000)
  body!: string;

  @ApiPropertyOptional({
    example: false,
    default: false,
    description: 'An internal note is seen by agents only and mailed to no one',
  })
  @IsOptional()
  @IsBoolean()
  internal: boolean = false;
}
