import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../../common/auth/user-role';

export class CreateUserDto {
  @ApiProperty({ example: 'agent@acme.example' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({
    example: 'a long phrase nobody guesses',
    minLength: 12,
    maxLength: 200,
    description:
      'Leave out to invite: the user is mailed a link (valid 7 days) to choose their own password. ' +
      'At least 12 characters, not the email address, not a common password.',
  })
  @IsOptional()
  @IsString()
  @Length(12, 200)
  password?: string;

  @ApiProperty({ example: 'Ada Agent' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: TENANT_ROLES, example: 'agent' })
  @IsIn(TENANT_ROLES)
  role!: TenantRole;
}
