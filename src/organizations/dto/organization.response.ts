import { ApiProperty } from '@nestjs/swagger';
import type { Organization } from '../organization.entity';

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme Support' })
  name!: string;

  @ApiProperty({ example: false, description: 'Its users cannot sign in and its sync is suspended' })
  disabled!: boolean;

  @ApiProperty()
  createdAt!: Date;

  static from({ id, name, disabled, createdAt }: Organization): OrganizationResponse {
    return { id, name, disabled, createdAt };
  }
}
