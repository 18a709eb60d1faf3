// Signing in, by password or by single sign-on, ends the same way: a session and its token.
import type { Request } from 'express';
import type { ConversationClients } from '@inbox/lib';
import type { TokenService } from './token-service';

/** A new session for the user and the bearer token that carries it. */
export function sessionStarter(conversation: ConversationClients, tokens: TokenService) {
  return async (accountId: string, userId: string, req: Request): Promise<string> => {
    const { sessionId } = await conversation.directory.call.createSession({
      tenant: { accountId, userId },
      ttlSeconds: tokens.ttlSeconds,
      ip: req.ip ?? '',
      userAgent: String(req.headers['user-agent'] ?? ''),
    });
    return tokens.issue({ userId, accountId, sessionId });
  };
}
