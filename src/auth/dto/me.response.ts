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

  @ApiProperty({ description: 'Alert mail about incidents (sent to admins only); false once opted out' })
  alertEmails!: boolean;

  @ApiProperty({ type: MeOrganization, nullable: true, description: 'Null for the superadmin' })
  organization!: MeOrganization | null;
}
