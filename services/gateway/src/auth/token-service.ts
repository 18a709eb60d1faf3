// Signed bearer tokens (JWT, HS256) naming the user, the account and the session. A token must
// expire, and the session it names is checked on every request, so revoking the session (logout,
// password change, deactivation, removal) ends the token at once.
import { SignJWT, jwtVerify } from 'jose';

export interface TokenClaims {
  userId: string;
  accountId: string;
  sessionId: string;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(claims: TokenClaims): Promise<string> {
    return new SignJWT({ acc: claims.accountId, sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setIssuer('inbox')
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** The claims of a valid token, or null for anything else (bad signature, expired, no exp, no session). */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'inbox', algorithms: ['HS256'], requiredClaims: ['exp', 'sub', 'acc', 'sid'] });
      if (typeof payload.sub !== 'string' || typeof payload.acc !== 'string' || typeof payload.sid !== 'string') return null;
      return { userId: payload.sub, accountId: payload.acc, sessionId: payload.sid };
    } catch {
      return null;
    }
  }
}
