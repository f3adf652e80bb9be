import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class CreateCommentDto {
  @ApiProperty({ example: 'We have sent a technician; the printer should be back this afternoon.', maxLength: 100_000 })
  @IsString()
  @Length(1, 100_000)
  body!: string;

  @ApiPropertyOptional({ default: false, description: 'An internal note is seen by agents only and mailed to no one' })
  @IsOptional()
  @IsBoolean()
  internal: boolean = false;
}
