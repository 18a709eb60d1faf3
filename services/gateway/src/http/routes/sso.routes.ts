// Single sign-on with OpenID Connect: the account's provider settings (super admins), and the
// sign-in itself. POST /auth/sso/start answers the provider's authorization URL for the browser;
// the provider sends the browser back to /auth/sso/callback, which checks the state (single use),
// exchanges the code with the PKCE verifier, verifies the ID token and its nonce, and sends the
// browser to the inbox with a token in the URL fragment (never sent to a server), or an error code.
import type { Response } from 'express';
import { DomainError, HttpError, z, type ConversationClients } from '@inbox/lib';
import { Role } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { SsoSettings } from '@inbox/lib/gen/inbox/conversation/v1/directory';
import type { ApiRoutes } from '../api-route';
import { tenant } from '../authenticate';
import type { OidcClient } from '../../auth/oidc-client';
import type { SsoStates } from '../../auth/sso-states';
import type { TokenService } from '../../auth/token-service';
import { sessionStarter } from '../../auth/session-starter';

const SsoDto = z
  .object({
    enabled: z.boolean(),
    issuer: z.string().max(500).describe("the provider's issuer URL (its discovery document is at /.well-known/openid-configuration)"),
    clientId: z.string().max(300),
    hasClientSecret: z.boolean(),
    emailDomains: z.array(z.string().max(253)).max(50).describe('emails of these domains may sign up by SSO (when allowed)'),
    allowSignUp: z.boolean().describe('a verified email with no user here becomes a user with the default role'),
    defaultRole: z.enum(['agent', 'admin']),
    passwordSignInDisabled: z.boolean().describe('agents and admins then sign in by SSO only; super admins keep their password'),
    redirectUri: z.string().describe('register this as the redirect URI at the provider'),
  })
  .openapi('SsoSettings');

const SsoInput = SsoDto.omit({ hasClientSecret: true, redirectUri: true })
  .extend({ clientSecret: z.string().max(500).optional().describe('write-only; omitted keeps the current one') })
  .strict();


export function registerSsoRoutes(api: ApiRoutes, conversation: ConversationClients, sso: { client: OidcClient; states: SsoStates; tokens: TokenService }): void {
  const directory = conversation.directory.call;
  const startSession = sessionStarter(conversation, sso.tokens);
  const dto = (s: SsoSettings | undefined): z.infer<typeof SsoDto> => ({
    enabled: s?.enabled ?? false,
    issuer: s?.issuer ?? '',
    clientId: s?.clientId ?? '',
    hasClientSecret: s?.hasClientSecret ?? false,
    emailDomains: s?.emailDomains ?? [],
    allowSignUp: s?.allowSignUp ?? false,
    defaultRole: s?.defaultRole === Role.ROLE_ADMIN ? 'admin' : 'agent',
    passwordSignInDisabled: s?.passwordSignInDisabled ?? false,
    redirectUri: sso.client.redirectUri,
  });

  api.add(
    { method: 'get', path: '/sso', summary: "The account's single sign-on (OpenID Connect) settings (admins; the client secret is never shown)", tag: 'accounts', auth: true, response: SsoDto, errors: [403] },
    async ({ user }) => dto((await directory.getSsoSettings({ tenant: tenant(user) })).settings),
  );

  api.add(
    {
      method: 'put',
      path: '/sso',
      summary: 'Connect the account to an OpenID Connect provider (super admins); audited, without the secret',
      tag: 'accounts',
      auth: true,
      body: SsoInput,
      response: SsoDto,
      errors: [403],
    },
    async ({ user, body }) => {
      const { clientSecret, defaultRole, ...rest } = body;
      const settings = { ...rest, hasClientSecret: false, defaultRole: defaultRole === 'admin' ? Role.ROLE_ADMIN : Role.ROLE_AGENT };
      return dto((await directory.setSsoSettings({ tenant: tenant(user), settings, clientSecret: clientSecret ?? '' })).settings);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/auth/sso/start',
      summary: "Start signing in by SSO: the provider's authorization URL to send the browser to (authorization code with PKCE, state and nonce)",
      tag: 'accounts',
      auth: false,
      body: z.object({ email: z.string().trim().email().max(320) }).strict(),
      response: z.object({ authorizationUrl: z.string() }),
      errors: [404, 429, 502],
    },
    async ({ body, req }) => {
      if (!(await sso.states.allowStart(req.ip ?? 'unknown'))) throw new HttpError(429, 'too_many_attempts', 'too many single sign-ins started from here; try again in a few minutes');
      const provider = await directory.resolveSso({ email: body.email });
      const { url, state, nonce, verifier } = await sso.client.authorization(provider);
      await sso.states.keep(state, { email: body.email, accountId: provider.accountId, nonce, verifier });
      return { authorizationUrl: url };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/auth/sso/callback',
      summary:
        'Where the provider sends the browser back: 302 to the inbox with #sso_token=<token>, or #sso_error=<code> (sso_state_invalid, sso_nonce_mismatch, sso_email_unverified, sso_sign_up_disabled, sso_failed, …)',
      tag: 'accounts',
      auth: false,
      query: z.object({ code: z.string().max(2000).optional(), state: z.string().max(200).optional(), error: z.string().max(200).optional() }),
      status: 302,
    },
    async ({ query, req, res }) => {
      const finish = (res: Response, fragment: string) => res.redirect(302, `/#${fragment}`);
      try {
        const pending = query.state ? await sso.states.take(query.state) : null;
        if (!pending) throw new HttpError(400, 'sso_state_invalid', 'this sign-in was not started here, was used already, or took too long');
        if (query.error || !query.code) throw new HttpError(401, 'sso_failed', `the identity provider answered ${query.error ?? 'no code'}`);
        const provider = await directory.resolveSso({ email: pending.email });
        if (provider.accountId !== pending.accountId) throw new HttpError(400, 'sso_state_invalid', 'single sign-on changed during the sign-in');
        const identity = await sso.client.complete(provider, query.code, pending.verifier, pending.nonce);
        const { user } = await directory.completeSsoSignIn({ accountId: pending.accountId, issuer: provider.issuer, ...identity });
        finish(res, `sso_token=${await startSession(user!.accountId, user!.id, req)}`);
      } catch (error) {
        const code = error instanceof HttpError || error instanceof DomainError ? error.code : 'sso_failed';
        if (!(error instanceof HttpError || error instanceof DomainError)) throw error;
        finish(res, `sso_error=${encodeURIComponent(code)}`);
      }
    },
  );
}
