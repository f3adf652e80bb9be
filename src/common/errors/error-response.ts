import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one JSON shape of every error the API returns. */
export class ErrorResponse {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'User not found' })
  message!: string;

  @ApiProperty({ example: 'NOT_FOUND', description: 'Stable machine-readable code' })
  code!: string;

  @ApiProperty({ example: '0b7c6f8e-2f7a-4c52-9a39-4f1f8a0c2a11', description: 'Also sent as X-Request-Id' })
  requestId!: string;

  @ApiPropertyOptional({
    description: 'For validation errors: each field with its messages',
    example: [{ field: 'email', messages: ['email must be an email'] }],
  })
  details?: unknown;
}
