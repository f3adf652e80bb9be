import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from '../../common/auth/user-role';

export class MeOrganization {
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f', format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme Support' })
  name!: string;
}

export class MeResponse {
  @ApiProperty({ example: '8a1d2f47-0b6e-4c3a-a5d9-2e7f6b1c9d30', format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'admin@acme.example' })
  email!: string;

  @ApiProperty({ example: 'Ada Admin' })
  name!: string;

  @ApiProperty({ enum: USER_ROLES })
  role!: UserRole;

  @ApiProperty({ example: true, description: 'Alert mail about incidents (sent to admins only); false once opted out' })
  alertEmails!: boolean;

  @ApiProperty({ type: MeOrganization, nullable: true, description: 'Null for the superadmin' })
  organization!: MeOrganization | null;
}
