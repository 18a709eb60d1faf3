// Signed bearer tokens (JWT, HS256) naming the user and account; the gateway re-checks the user
// on every request, so a deactivated or removed user's token stops working at once.
import { SignJWT, jwtVerify } from 'jose';

export interface TokenClaims {
  userId: string;
  accountId: string;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(claims: TokenClaims): Promise<string> {
    return new SignJWT({ acc: claims.accountId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setIssuer('inbox')
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** The claims of a valid token, or null for anything else (bad signature, expired, malformed). */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'inbox', algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.acc !== 'string') return null;
      return { userId: payload.sub, accountId: payload.acc };
    } catch {
      return null;
    }
  }
}
