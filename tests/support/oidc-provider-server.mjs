// A real OpenID provider (the oidc-provider package) for single sign-on tests, run as its own
// small process because the package is ESM-only. Its development login screen accepts any
// login name as the account id; a name beginning "unverified+" gets email_verified false.
import http from 'node:http';
import process from 'node:process';
import { log } from 'node:console';
import Provider from 'oidc-provider';

const { PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The relying party reads the email from the ID token itself.
  conformIdTokenClaims: false,
  cookies: { keys: ['oidc-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const unverified = id.startsWith('unverified+');
    const email = unverified ? id.slice('unverified+'.length) : id;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: !unverified, name: `SSO ${email.split('@')[0]}` };
      },
    };
  },
});

http.createServer(provider.callback()).listen(Number(PORT), '127.0.0.1', () => log(`ready ${issuer}`));
