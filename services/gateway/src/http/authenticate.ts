// Bearer authentication: a valid token (Authorization header only) whose session is live and
// whose user is still active in its account.
import type { Request } from 'express';
import { DomainError, HttpError, currentRequestContext, type ConversationClients } from '@inbox/lib';
import { Role } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { TokenService } from '../auth/token-service';

export type RoleName = 'agent' | 'admin' | 'superadmin';

export interface AuthenticatedUser {
  id: string;
  accountId: string;
  name: string;
  email: string;
  role: RoleName;
  sessionId: string;
}

/** The tenant every gRPC command carries: the signed-in user's account and id. */
export const tenant = (user: AuthenticatedUser) => ({ accountId: user.accountId, userId: user.id });

/** 403 for anyone below admin, with the caller's reason. */
export function requireAdmin(user: AuthenticatedUser, message = 'this needs the admin role'): void {
  if (user.role !== 'admin' && user.role !== 'superadmin') throw new HttpError(403, 'forbidden', message);
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

export type SessionResolver = (accountId: string, sessionId: string) => Promise<AuthenticatedUser>;

/** The active user behind a live session, or a 401 HttpError. */
export function createSessionResolver(conversation: ConversationClients): SessionResolver {
  return async (accountId, sessionId) => {
    try {
      const { user } = await conversation.directory.call.getSession({ accountId, sessionId });
      return { id: user!.id, accountId: user!.accountId, name: user!.name, email: user!.email, role: ROLE_NAMES[user!.role] ?? 'agent', sessionId };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'session_not_found') throw new HttpError(401, 'invalid_token', 'the session has ended; sign in again');
      throw error;
    }
  };
}

/** Resolves a token to its session's active user, or throws a 401 HttpError. */
export function createTokenAuthenticator(tokens: TokenService, sessions: SessionResolver) {
  return async (token: string): Promise<AuthenticatedUser> => {
    const claims = await tokens.verify(token);
    if (!claims) throw new HttpError(401, 'invalid_token', 'the token is invalid or expired');
    const user = await sessions(claims.accountId, claims.sessionId);
    if (user.id !== claims.userId) throw new HttpError(401, 'invalid_token', 'the token is invalid or expired');
    return user;
  };
}

export function createAuthenticator(authenticate: (token: string) => Promise<AuthenticatedUser>) {
  return async (req: Request): Promise<AuthenticatedUser> => {
    // Only the Authorization header: a token in a URL ends up in logs, histories and Referer headers.
    const token = bearerToken(req);
    if (!token) throw new HttpError(401, 'unauthenticated', 'send Authorization: Bearer <token>');
    const user = await authenticate(token);
    const context = currentRequestContext();
    if (context) context.tenantId = user.accountId;
    return user;
  };
}
