import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsString, Length, MaxLength, ValidateNested } from 'class-validator';

export class FirstAdminDto {
  @ApiProperty({ example: 'admin@acme.example' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({
    example: 'a long phrase nobody guesses',
    minLength: 12,
    description: 'At least 12 characters, not the email address, not a common password',
  })
  @IsString()
  @Length(12, 200)
  password!: string;

  @ApiProperty({ example: 'Ada Admin' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme Support' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ type: FirstAdminDto, description: "The organization's first admin" })
  @IsDefined()
  @ValidateNested()
  @Type(() => FirstAdminDto)
  admin!: FirstAdminDto;
}
