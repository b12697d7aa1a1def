import { Injectable } from '@nestjs/common';
import type { TokenRequestForm } from './oauth.dto';
import { TokenIssuer, type IssuedToken } from './token-issuer';

@Injectable()
export class OAuthService {
  constructor(private readonly issuer: TokenIssuer) {}

  issue(authorization: string | undefined, form: TokenRequestForm | undefined): IssuedToken {
    return this.issuer.issue(authorization, form?.grant_type);
  }
}
