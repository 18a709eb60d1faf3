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
  /**
   * Tokens whose signature was checked, until they expire. Checking an HMAC through WebCrypto cost
   * the gateway a tenth of its CPU per API call; the answer for the same bytes cannot change before
   * exp, and revocation is the session's check, which still runs on every call.
   */
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();

  constructor(
    secret: string,
    readonly ttlSeconds: number,
    private readonly maxRemembered = 20_000,
    private readonly now: () => number = Date.now,
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
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > this.now()) return known.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'inbox', algorithms: ['HS256'], requiredClaims: ['exp', 'sub', 'acc', 'sid'] });
      if (typeof payload.sub !== 'string' || typeof payload.acc !== 'string' || typeof payload.sid !== 'string') return null;
      const claims = { userId: payload.sub, accountId: payload.acc, sessionId: payload.sid };
      if (this.verified.size >= this.maxRemembered) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, expiresAtMs: payload.exp! * 1000 });
      return claims;
    } catch {
      return null;
    }
  }
}
