import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from '../../common/auth/user-role';
import type { UserSummary } from '../user-summary';

export class UserResponse {
  @ApiProperty({ example: '1b7e4d9a-3c2f-4a85-b06e-5f8d2c9a7e13', format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'agent@acme.example' })
  email!: string;

  @ApiProperty({ example: 'Ada Agent' })
  name!: string;

  @ApiProperty({ enum: USER_ROLES, example: 'agent' })
  role!: UserRole;

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' })
  createdAt!: Date;

  @ApiPropertyOptional({
    example: '2026-03-02T09:15:00.000Z',
    description: 'Set when the user was created without a password: until when the mailed invitation works',
  })
  invitationExpiresAt?: Date;

  static from(user: UserSummary): UserResponse {
    const { id, email, name, role, disabled, createdAt } = user;
    return { id, email, name, role, disabled, createdAt };
  }
}
