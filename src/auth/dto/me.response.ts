import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from '../../users/user-role';

export class MeOrganization {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme Support' })
  name!: string;
}

export class MeResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'admin@acme.example' })
  email!: string;

  @ApiProperty({ example: 'Ada Admin' })
  name!: string;

  @ApiProperty({ enum: USER_ROLES })
  role!: UserRole;

  @ApiProperty({ type: MeOrganization, nullable: true, description: 'Null for the superadmin' })
  organization!: MeOrganization | null;
}
