// The relying party of OpenID Connect's authorization code flow, every request through the
// guarded HTTP client: discovery, the authorization URL with PKCE (S256), state and nonce, the
// code exchange, and the ID token checked for signature (the provider's published keys),
// issuer, audience, expiry and nonce.
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTPayload } from 'jose';
import { HttpError, OutboundRefusedError, type GuardedFetch } from '@inbox/lib';

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

interface Provider {
  discovery: Discovery;
  jwks: JSONWebKeySet;
  fetchedAt: number;
}

export interface SsoClientConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface VerifiedIdentity {
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

const CACHE_MS = 5 * 60 * 1000;
const random = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = random(48);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export class OidcClient {
  private readonly providers = new Map<string, Provider>();

  constructor(
    private readonly fetch: GuardedFetch,
    readonly redirectUri: string,
  ) {}

  /** Where to send the browser, and what to keep (server side) until it comes back. */
  async authorization(config: SsoClientConfig): Promise<{ url: string; state: string; nonce: string; verifier: string }> {
    const { discovery } = await this.provider(config.issuer);
    const state = random();
    const nonce = random();
    const { verifier, challenge } = pkcePair();
    const url = new URL(discovery.authorization_endpoint);
    for (const [key, value] of Object.entries({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })) {
      url.searchParams.set(key, value);
    }
    return { url: url.toString(), state, nonce, verifier };
  }

  /** Exchanges the code and verifies the ID token; 401 sso_failed (or sso_nonce_mismatch) otherwise. */
  async complete(config: SsoClientConfig, code: string, verifier: string, nonce: string): Promise<VerifiedIdentity> {
    const { discovery } = await this.provider(config.issuer);
    const response = await this.call(discovery.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.redirectUri, code_verifier: verifier }).toString(),
    });
    const tokens = json(response.body) as { id_token?: string; error?: string };
    if (response.status !== 200 || !tokens.id_token) throw new HttpError(401, 'sso_failed', `the identity provider refused the code (${tokens.error ?? response.status})`);
    const claims = await this.verify(config, tokens.id_token);
    if (claims.nonce !== nonce) throw new HttpError(401, 'sso_nonce_mismatch', 'the ID token was not issued for this sign-in');
    const email = typeof claims.email === 'string' ? claims.email : '';
    if (!email || !claims.sub) throw new HttpError(401, 'sso_failed', 'the identity provider did not say who signed in (email)');
    return { subject: claims.sub, email, emailVerified: claims.email_verified === true, name: typeof claims.name === 'string' ? claims.name : '' };
  }

  private async verify(config: SsoClientConfig, idToken: string): Promise<JWTPayload> {
    for (let attempt = 0; ; attempt += 1) {
      const { jwks } = await this.provider(config.issuer, attempt > 0);
      try {
        const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: config.issuer, audience: config.clientId, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] });
        return payload;
      } catch (error) {
        // A key we have not seen: the provider may have rotated; its keys are fetched again once.
        if (error instanceof joseErrors.JWKSNoMatchingKey && attempt === 0) continue;
        throw new HttpError(401, 'sso_failed', `the ID token is not valid: ${(error as Error).message}`);
      }
    }
  }

  private async provider(issuer: string, refresh = false): Promise<Provider> {
    const cached = this.providers.get(issuer);
    if (cached && !refresh && Date.now() - cached.fetchedAt < CACHE_MS) return cached;
    const discovery = json((await this.call(`${issuer}/.well-known/openid-configuration`)).body) as Discovery;
    if (discovery.issuer !== issuer || !discovery.authorization_endpoint || !discovery.token_endpoint || !discovery.jwks_uri) {
      throw new HttpError(502, 'sso_provider_invalid', 'the identity provider did not describe itself as the configured issuer');
    }
    const jwks = json((await this.call(discovery.jwks_uri)).body) as JSONWebKeySet;
    const provider = { discovery, jwks, fetchedAt: Date.now() };
    this.providers.set(issuer, provider);
    return provider;
  }

  private async call(url: string, request?: Parameters<GuardedFetch>[1]) {
    try {
      return await this.fetch(url, request);
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw new HttpError(502, 'sso_provider_unreachable', `the identity provider cannot be reached: ${error.message}`);
      throw new HttpError(502, 'sso_provider_unreachable', `the identity provider did not answer: ${(error as Error).message}`);
    }
  }
}

function json(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(502, 'sso_provider_invalid', 'the identity provider answered something other than JSON');
  }
}
