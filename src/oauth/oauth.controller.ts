import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantUser } from '../common/auth/auth-user';
import { Audited } from '../common/audit/audited.decorator';
import { Auth, CurrentTenant, Public } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { callbackPage } from './callback-page';
import { AuthorizeDto, AuthorizeResponse, DisconnectResponse } from './dto/authorize.dto';
import { OAuthAppResponse } from './dto/oauth-app.response';
import { SaveOAuthAppDto } from './dto/save-oauth-app.dto';
import { OAuthAppService } from './oauth-app.service';
import { OAuthConnectService } from './oauth-connect.service';

const PAGE_EXAMPLE =
  '<!doctype html>…<h1>Mailbox connected</h1><p>Connected as support@contoso.com — you can close this tab.</p>…';

/** Only the parameters an authorization response has, as single strings. */
function callbackParameters(query: Record<string, unknown>): Record<string, string> {
  const names = ['code', 'state', 'error', 'error_description', 'iss', 'session_state'];
  return Object.fromEntries(
    names.flatMap((name) => (typeof query[name] === 'string' ? [[name, query[name] as string]] : [])),
  );
}

@ApiTags('settings')
@Controller('settings/email')
export class OAuthController {
  constructor(
    private readonly apps: OAuthAppService,
    private readonly connect: OAuthConnectService,
  ) {}

  @Get('oauth-app')
  @Auth('admin')
  @ApiOperation({ summary: "Your organization's own OAuth app registration (the client secret is never returned)" })
  @ApiOkResponse({ type: OAuthAppResponse })
  @ApiNotFoundResponse({ description: 'None saved: the platform app (OAUTH_*) is used, if any', type: ErrorResponse })
  getApp(@CurrentTenant() caller: TenantUser): Promise<OAuthAppResponse> {
    return this.apps.get(caller.organizationId);
  }

  @Put('oauth-app')
  @Auth('admin')
  @Audited('settings.email.oauth-app.saved', { target: 'email-settings', secrets: ['clientSecret'] })
  @ApiOperation({
    summary: 'Save your own OAuth app registration',
    description:
      'microsoft or google with your own client, or custom: any OAuth2 server whose tokens your mail servers accept. ' +
      'Register the redirect URI shown in the answer with the provider.',
  })
  @ApiOkResponse({ type: OAuthAppResponse })
  @ApiBadRequestResponse({ description: 'Invalid fields, each named in details', type: ErrorResponse })
  saveApp(@CurrentTenant() caller: TenantUser, @Body() dto: SaveOAuthAppDto): Promise<OAuthAppResponse> {
    return this.apps.save(caller.organizationId, dto);
  }

  @Post('oauth/authorize')
  @Auth('admin')
  @Audited('settings.email.oauth.authorize-started', { target: 'email-settings' })
  @ApiOperation({
    summary: 'Start connecting the mailbox account with OAuth2',
    description:
      'Answers the provider URL to open in the browser (authorization code flow with PKCE). The sign-in is bound to ' +
      'your organization and you, works once, and expires after 10 minutes.',
  })
  @ApiCreatedResponse({ type: AuthorizeResponse })
  @ApiBadRequestResponse({
    description:
      'Invalid provider; OAUTH_APP_MISSING when no app is registered for it; OAUTH_APP_ONLY for client credentials',
    type: ErrorResponse,
  })
  @ApiServiceUnavailableResponse({
    description: "PUBLIC_URL_MISSING; OAUTH_PROVIDER_UNAVAILABLE when the issuer's discovery failed",
    type: ErrorResponse,
  })
  authorize(@CurrentTenant() caller: TenantUser, @Body() dto: AuthorizeDto): Promise<AuthorizeResponse> {
    return this.connect.authorize(caller.organizationId, caller, dto.provider);
  }

  @Get('oauth/callback')
  @Public()
  @ApiOperation({
    summary: 'Where the provider sends the browser back (the redirect URI)',
    description:
      'Exchanges the code and stores the tokens encrypted. Answers a small page: "Connected as …", or what went wrong ' +
      '(declined consent, an unknown, used or expired sign-in, a token endpoint error), in which case nothing is stored.',
  })
  @ApiProduces('text/html')
  @ApiQuery({ name: 'code', required: false, description: 'The authorization code' })
  @ApiQuery({ name: 'state', required: false, description: 'The state of the sign-in' })
  @ApiQuery({ name: 'error', required: false, description: 'The provider refused, e.g. access_denied' })
  @ApiOkResponse({
    description: 'Connected',
    content: { 'text/html': { schema: { type: 'string' }, example: PAGE_EXAMPLE } },
  })
  @ApiBadRequestResponse({
    description: 'An unknown, used or expired sign-in, or the token endpoint refused: nothing stored',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiForbiddenResponse({
    description: 'Consent was declined: nothing stored',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  async callback(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const outcome = await this.connect.callback(callbackParameters(query), req.ip ?? null);
    res.status(outcome.status).type('html').setHeader('Cache-Control', 'no-store').send(callbackPage(outcome));
  }

  @Delete('oauth')
  @HttpCode(200)
  @Auth('admin')
  @Audited('settings.email.oauth.disconnected', { target: 'email-settings' })
  @ApiOperation({
    summary: 'Disconnect the OAuth2 mailbox account',
    description: 'Revokes the grant at the provider where it can, deletes the tokens, and emits oauth.disconnected.',
  })
  @ApiOkResponse({ type: DisconnectResponse })
  @ApiNotFoundResponse({ description: 'No account is connected', type: ErrorResponse })
  disconnect(@CurrentTenant() caller: TenantUser): Promise<DisconnectResponse> {
    return this.connect.disconnect(caller.organizationId);
  }
}
