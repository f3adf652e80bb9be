import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SystemMailModule } from '../system-mail/system-mail.module';
import { PasswordHasher } from './password-hasher';
import { PasswordLinksService } from './password-links.service';
import { PasswordToken } from './password-token.entity';
import { PasswordTokensRepository } from './password-tokens.repository';
import { PasswordsService } from './passwords.service';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, PasswordToken]), SystemMailModule],
  controllers: [UsersController],
  providers: [
    UsersRepository,
    UsersService,
    PasswordHasher,
    PasswordTokensRepository,
    PasswordsService,
    PasswordLinksService,
  ],
  exports: [UsersService, PasswordHasher, PasswordsService, PasswordLinksService],
})
export class UsersModule {}
