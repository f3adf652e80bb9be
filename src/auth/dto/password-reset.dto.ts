import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'agent@acme.example' })
  @IsEmail({ require_tld: false })
  @MaxLength(320)
  email!: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token from the mailed link (`?token=…`)', example: 'hP1x…' })
  @IsString()
  @MaxLength(200)
  token!: string;

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
