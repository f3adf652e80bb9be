import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class CreateTicketDto {
  @ApiProperty({ example: 'Printer on fire', maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  subject!: string;

  @ApiProperty({
    example: 'Carla called: the printer in room 4 is on fire again.',
    maxLength: 100_000,
    description: 'Up to 100,000 characters (up to 400 KB of UTF-8); the whole JSON request body may have up to 512 KB',
  })
  @IsString()
  @Length(1, 100_000)
  body!: string;

  @ApiProperty({ example: 'carla@customer.example' })
  @IsEmail()
  @MaxLength(320)
  requesterEmail!: string;

  @ApiPropertyOptional({ example: 'Carla Customer' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  requesterName?: string;
}
