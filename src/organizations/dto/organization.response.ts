import { ApiProperty } from '@nestjs/swagger';
import type { Organization } from '../organization.entity';

export class OrganizationResponse {
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f', format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme Support' })
  name!: string;

  @ApiProperty({ example: false, description: 'Its users cannot sign in and its sync is suspended' })
  disabled!: boolean;

  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' })
  createdAt!: Date;

  static from({ id, name, disabled, createdAt }: Organization): OrganizationResponse {
    return { id, name, disabled, createdAt };
  }
}
