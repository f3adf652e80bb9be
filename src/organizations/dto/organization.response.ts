import { ApiProperty } from '@nestjs/swagger';
import type { Organization } from '../organization.entity';

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme Support' })
  name!: string;

  @ApiProperty()
  createdAt!: Date;

  static from({ id, name, createdAt }: Organization): OrganizationResponse {
    return { id, name, createdAt };
  }
}
