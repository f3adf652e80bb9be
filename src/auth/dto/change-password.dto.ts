import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ example: 'the password you signed in with' })
  @IsString()
  @MaxLength(200)
  currentPassword!: string;

  @ApiProperty({
    example: 'a long phrase nobody guesses',
    minLength: 12,
    maxLength: 200,
    description: 'At least 12 characters, not the email address, not a common password',
  })
  @IsString()
  @MaxLength(200)
  newPassword!: string;
}
