import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class TemporaryPasswordDto {
  @ApiProperty({
    example: 'temporary phrase 4 today',
    minLength: 12,
    maxLength: 200,
    description: 'Tell it to the user; they must choose their own at the next sign-in. Their tokens stop working.',
  })
  @IsString()
  @Length(1, 200)
  temporaryPassword!: string;
}
