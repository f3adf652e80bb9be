import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max } from 'class-validator';

export class SetIntervalDto {
  @ApiProperty({ example: 300, minimum: 60, maximum: 86400, description: 'Seconds between runs (default 300)' })
  @IsInt()
  @Max(86400)
  seconds!: number;
}
