import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <token>` with one of RETENTION_API_TOKENS; open when none is set (dev). */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly tokens: Buffer[];

  constructor(@Inject(RETENTION_CONFIG) config: RetentionConfig) {
    this.tokens = config.apiTokens.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.tokens.length === 0) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (.+)$/i.exec(header) : null;
    if (match) {
      // Comparing digests keeps the comparison constant-time whatever the lengths.
      const given = digest(match[1]);
      if (this.tokens.some((token) => timingSafeEqual(token, given))) return true;
    }
    throw new UnauthorizedException('a valid bearer token is required');
  }
}
