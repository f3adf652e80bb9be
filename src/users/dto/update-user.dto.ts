import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../../common/auth/user-role';

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: TENANT_ROLES, example: 'admin' })
  @IsOptional()
  @IsIn(TENANT_ROLES)
  role?: TenantRole;

  @ApiPropertyOptional({
    example: true,
    description: 'A disabled user cannot log in and their tokens stop working at once',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
