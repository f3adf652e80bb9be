import { ApiProperty } from '@nestjs/swagger';

export class LoginResponse {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.signature',
    description: 'Send as "Authorization: Bearer <accessToken>"',
  })
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expiresIn!: number;

  @ApiProperty({
    example: false,
    description:
      'A temporary password: every route but GET /me and POST /me/password answers 403 PASSWORD_CHANGE_REQUIRED ' +
      'until the user chooses their own',
  })
  mustChangePassword!: boolean;
}
