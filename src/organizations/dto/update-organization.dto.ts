import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: 'Acme Customer Care', description: 'Unique whatever the letter case' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    example: true,
    description:
      'Disabled: its users cannot sign in and their tokens stop working, its sync is suspended; nothing is deleted. ' +
      'false enables it again and resumes a sync that was running.',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
