import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** What a user may change about themselves. */
export class UpdateMeDto {
  @ApiPropertyOptional({
    example: false,
    description: 'Admins: receive alert mail (an incident opened, a daily reminder, its recovery)',
  })
  @IsOptional()
  @IsBoolean()
  alertEmails?: boolean;
}
