// Bearer authentication: a valid token, whose user still exists and is active in its account.
import type { Request } from 'express';
import { DomainError, HttpError, currentRequestContext, type ServiceClient } from '@inbox/lib';
import type { ConversationServiceService, User } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { Role } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { TokenService } from '../auth/token-service';

export type RoleName = 'agent' | 'admin' | 'superadmin';

export interface AuthenticatedUser {
  id: string;
  accountId: string;
  name: string;
  email: string;
  role: RoleName;
}

export const ROLE_NAMES: Record<Role, RoleName | undefined> = {
  [Role.ROLE_UNSPECIFIED]: undefined,
  [Role.ROLE_AGENT]: 'agent',
  [Role.ROLE_ADMIN]: 'admin',
  [Role.ROLE_SUPERADMIN]: 'superadmin',
};

export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  return match ? match[1] : null;
}

/** Resolves a token to its active user, or throws a 401 HttpError. */
export function createTokenAuthenticator(tokens: TokenService, conversation: ServiceClient<typeof ConversationServiceService>) {
  return async (token: string): Promise<AuthenticatedUser> => {
    const claims = await tokens.verify(token);
    if (!claims) throw new HttpError(401, 'invalid_token', 'the token is invalid or expired');
    let user: User | undefined;
    try {
      user = (await conversation.call.getUser({ tenant: { accountId: claims.accountId, userId: claims.userId }, userId: claims.userId })).user;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'user_not_found') throw new HttpError(401, 'invalid_token', 'the token is invalid or expired');
      throw error;
    }
    if (!user || user.removed || user.deactivated) throw new HttpError(401, 'user_inactive', 'this user is deactivated or removed');
    return { id: user.id, accountId: user.accountId, name: user.name, email: user.email, role: ROLE_NAMES[user.role] ?? 'agent' };
  };
}

export function createAuthenticator(tokens: TokenService, conversation: ServiceClient<typeof ConversationServiceService>) {
  const authenticate = createTokenAuthenticator(tokens, conversation);
  return async (req: Request): Promise<AuthenticatedUser> => {
    const token = bearerToken(req) ?? (typeof req.query.token === 'string' ? req.query.token : null);
    if (!token) throw new HttpError(401, 'unauthenticated', 'send Authorization: Bearer <token>');
    const user = await authenticate(token);
    const context = currentRequestContext();
    if (context) context.tenantId = user.accountId;
    return user;
  };
}
