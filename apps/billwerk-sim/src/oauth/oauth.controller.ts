import { Body, Controller, Headers, HttpCode, HttpStatus, Post, UseFilters } from '@nestjs/common';
import { OAuthErrorFilter } from './oauth-error.filter';
import type { TokenRequestForm } from './oauth.dto';
import { OAuthService } from './oauth.service';
import type { IssuedToken } from './token-issuer';

/** billwerk's token endpoint, `POST /oauth/token/` (outside /api/v1). */
@UseFilters(OAuthErrorFilter)
@Controller('oauth')
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Post('token')
  @HttpCode(HttpStatus.OK)
  token(
    @Headers('authorization') authorization: string | undefined,
    @Body() form: TokenRequestForm | undefined,
  ): IssuedToken {
    return this.oauth.issue(authorization, form);
  }
}
