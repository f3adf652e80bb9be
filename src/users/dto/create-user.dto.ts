import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length, MaxLength } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../user-role';

export class CreateUserDto {
  @ApiProperty({ example: 'agent@acme.example' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 12, maxLength: 200 })
  @IsString()
  @Length(12, 200)
  password!: string;

  @ApiProperty({ example: 'Ada Agent' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: TENANT_ROLES, example: 'agent' })
  @IsIn(TENANT_ROLES)
  role!: TenantRole;
}
