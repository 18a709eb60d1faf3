// Single sign-on end to end in Chromium against a real OpenID provider (oidc-provider, its own
// small process): a new user is created at the first sign-in, an existing one is matched by
// verified email; a tampered state, a wrong nonce and an unverified email are each refused and
// start no session; an account may turn password sign-in off for agents and admins.
import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser } from '../support/browser';
import { addAgent, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { startOidcProvider, type RunningProvider } from '../support/oidc-provider';
import { freePort } from '../support/service-process';

jest.setTimeout(240_000);

describe('single sign-on with OpenID Connect', () => {
  let f: InboxFixture;
  let idp: RunningProvider;
  let browser: Browser;
  const domain = `corp${randomInt(1e9)}.example`;
  const client = { clientId: 'inbox-test', clientSecret: randomBytes(24).toString('hex') };

  const audited = async (action: string) => (await f.owner.get(`/api/v1/audit?limit=200&action=${action}`)).body.entries as { actorUserId: string | null; actorLabel: string; detail: Record<string, unknown> }[];

  /** Opens the inbox, asks for SSO with the email, and logs in at the provider as `login`. */
  async function signInWithSso(email: string, login = email, tamper?: (page: Page) => Promise<void>): Promise<Page> {
    const page = await browser.newPage();
    await tamper?.(page);
    await page.goto(`${f.stack.gatewayUrl}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    // The provider asks once for consent to share the email and profile.
    const consent = page.locator('button[type="submit"]');
    if (page.url().startsWith(idp.issuer)) await consent.click();
    await page.waitForURL(`${f.stack.gatewayUrl}/**`);
    return page;
  }

  const signedInAs = async (page: Page, name: string) => page.getByTestId('current-user').filter({ hasText: name }).waitFor({ timeout: 15_000 });
  const refusedWith = async (page: Page, text: string) =>
    page
      .getByRole('alert')
      .getByText(text)
      .waitFor({ timeout: 15_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\nat ${page.url()}:\n${(await page.content()).slice(0, 3000)}`);
      });

  beforeAll(async () => {
    const idpPort = await freePort();
    f = await startInboxFixture({}, [], {
      // The test-mode switch lets exactly the provider's port through; every other private address stays refused.
      gateway: { OUTBOUND_ALLOW_HTTP: 'true', OUTBOUND_ALLOWED_TARGETS: `127.0.0.1:${idpPort}` },
    });
    idp = await startOidcProvider({ ...client, redirectUri: `${f.stack.gatewayUrl}/api/v1/auth/sso/callback` }, idpPort);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await idp?.stop();
    await f?.stop();
  });

  it('takes settings from super admins only, refusing bad ones, and never shows or audits the secret', async () => {
    const base = { enabled: true, issuer: idp.issuer, clientId: client.clientId, emailDomains: [domain], allowSignUp: true, defaultRole: 'agent', passwordSignInDisabled: false };
    const refusals: [unknown, number, string][] = [
      [{ ...base, issuer: 'not a url' }, 400, 'invalid_issuer'],
      [base, 400, 'client_secret_required'],
      [{ ...base, clientSecret: 'x', defaultRole: 'superadmin' }, 400, 'validation_failed'],
      [{ ...base, clientSecret: 'x', emailDomains: ['not a domain'] }, 400, 'invalid_email_domain'],
    ];
    for (const [body, status, code] of refusals) {
      const response = await f.owner.put('/api/v1/sso', body);
      expect([JSON.stringify(body), response.status, response.body.error?.code]).toEqual([JSON.stringify(body), status, code]);
    }
    const admin = await addAgent(f, 'admin');
    expect((await admin.client.put('/api/v1/sso', { ...base, clientSecret: client.clientSecret })).status).toBe(403);
    const saved = await f.owner.put('/api/v1/sso', { ...base, clientSecret: client.clientSecret });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ ...base, hasClientSecret: true, redirectUri: `${f.stack.gatewayUrl}/api/v1/auth/sso/callback` });
    expect(JSON.stringify((await admin.client.get('/api/v1/sso')).body)).not.toContain(client.clientSecret);
    const changes = await audited('sso.settings_changed');
    expect(changes).toHaveLength(1);
    expect(changes[0].detail).toEqual({ clientSecretChanged: true });
    expect(JSON.stringify(changes)).not.toContain(client.clientSecret);
    expect((await f.anonymous.post('/api/v1/auth/sso/start', { email: uniqueEmail('nobody') })).body.error.code).toBe('sso_not_configured');
  });

  it('signs in a new user of the domain by SSO, creating them with the default role', async () => {
    const email = `new-${randomInt(1e9)}@${domain}`;
    const page = await signInWithSso(email);
    await signedInAs(page, `SSO new-`);
    const user = ((await f.owner.get('/api/v1/users')).body.items as { email: string; role: string; id: string }[]).find((u) => u.email === email);
    expect(user).toMatchObject({ role: 'agent' });
    const signIns = (await audited('auth.signed_in')).filter((e) => e.actorUserId === user!.id);
    expect(signIns).toMatchObject([{ detail: { method: 'sso', issuer: idp.issuer } }]);
    await page.close();
  });

  it('signs in an existing user by their verified email without creating another', async () => {
    const email = `kari-${randomInt(1e9)}@${domain}`;
    const created = await f.owner.post('/api/v1/users', { name: 'Kari Existing', email, password: 'agent password', role: 'admin' });
    const before = (await f.owner.get('/api/v1/users')).body.items.length;
    const page = await signInWithSso(email);
    await signedInAs(page, 'Kari Existing');
    expect((await f.owner.get('/api/v1/users')).body.items.length).toBe(before);
    expect((await audited('auth.signed_in')).filter((e) => e.actorUserId === created.body.id)).toHaveLength(1);
    await page.close();
  });

  it('refuses a tampered state, and starts no session', async () => {
    const email = `state-${randomInt(1e9)}@${domain}`;
    const before = (await audited('auth.signed_in')).length;
    const page = await signInWithSso(email, email, async (p) => {
      // The provider's redirect back is a redirect hop, which page.route does not see: the
      // browser's own request interception (CDP Fetch) rewrites the state on its way in.
      const cdp = await p.context().newCDPSession(p);
      await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*/api/v1/auth/sso/callback*', requestStage: 'Request' }] });
      cdp.on('Fetch.requestPaused', (paused: { requestId: string; request: { url: string } }) => {
        const url = new URL(paused.request.url);
        url.searchParams.set('state', randomBytes(32).toString('base64url'));
        void cdp.send('Fetch.continueRequest', { requestId: paused.requestId, url: url.toString() });
      });
    });
    await refusedWith(page, 'That single sign-on was not started here');
    expect((await audited('auth.signed_in')).length).toBe(before);
    expect(((await f.owner.get('/api/v1/users')).body.items as { email: string }[]).map((u) => u.email)).not.toContain(email);
    await page.close();
  });

  it('refuses an ID token issued for another nonce', async () => {
    const email = `nonce-${randomInt(1e9)}@${domain}`;
    const page = await signInWithSso(email, email, async (p) => {
      await p.route(`${idp.issuer}/auth?**`, async (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('nonce', 'a-nonce-this-sign-in-never-made');
        await route.continue({ url: url.toString() });
      });
    });
    await refusedWith(page, 'The identity provider answered for another sign-in');
    expect(((await f.owner.get('/api/v1/users')).body.items as { email: string }[]).map((u) => u.email)).not.toContain(email);
    await page.close();
  });

  it('refuses an email the provider has not verified, and audits the refusal', async () => {
    const email = `unverified-${randomInt(1e9)}@${domain}`;
    const page = await signInWithSso(email, `unverified+${email}`);
    await refusedWith(page, 'Your identity provider has not verified your email address');
    expect(((await f.owner.get('/api/v1/users')).body.items as { email: string }[]).map((u) => u.email)).not.toContain(email);
    expect((await audited('auth.sign_in_failed')).filter((e) => e.actorLabel === email)).toMatchObject([{ detail: { reason: 'email_unverified', method: 'sso' } }]);
    await page.close();
  });

  it('turns password sign-in off for agents and admins, not for super admins', async () => {
    const agent = await addAgent(f, 'agent');
    const settings = (await f.owner.get('/api/v1/sso')).body;
    const { hasClientSecret: _h, redirectUri: _r, ...rest } = settings;
    expect((await f.owner.put('/api/v1/sso', { ...rest, passwordSignInDisabled: true })).status).toBe(200);
    const refused = await f.anonymous.post('/api/v1/auth/login', { email: agent.email, password: 'agent password' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'password_sign_in_disabled']);
    // A wrong password still gets the usual answer: the refusal tells only whoever knows the password.
    expect((await f.anonymous.post('/api/v1/auth/login', { email: agent.email, password: 'wrong' })).body.error.code).toBe('invalid_credentials');
    const ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    expect((await f.anonymous.post('/api/v1/auth/login', { email: ownerEmail, password: 'correct horse battery' })).status).toBe(200);
  });

  it('limits how many sign-ins one client starts, each keeping a state until it ends', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 35; i += 1) answers.push((await f.anonymous.post('/api/v1/auth/sso/start', { email: `flood-${i}@${domain}` })).status);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(answers.slice(answers.indexOf(429)).every((s) => s === 429)).toBe(true);
    const refused = await f.anonymous.post('/api/v1/auth/sso/start', { email: `flood@${domain}` });
    expect([refused.status, refused.body.error.code]).toEqual([429, 'too_many_attempts']);
  });
});
