// Settings › Single sign-on (super admins change it): the account's OpenID Connect provider, who
// may sign up through it, and whether agents and admins may still use a password.
import { NativeSelect } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { api, type SsoSettings, type User } from './api';
import { useAction } from './use-action';

export function SingleSignOn({ me }: { me: User }) {
  const canChange = me.role === 'superadmin';
  const [settings, setSettings] = useState<SsoSettings | null>(null);
  const [domains, setDomains] = useState('');
  const [secret, setSecret] = useState('');
  const { run, feedback } = useAction();

  useEffect(() => {
    void api('GET', '/sso')
      .then((s) => {
        setSettings(s);
        setDomains(s.emailDomains.join(', '));
      })
      .catch(() => undefined);
  }, []);
  if (!settings) return <p className="muted">Loading…</p>;
  const change = (patch: Partial<SsoSettings>) => setSettings({ ...settings, ...patch });

  async function save(event: FormEvent) {
    event.preventDefault();
    const { hasClientSecret: _has, redirectUri: _uri, ...rest } = settings!;
    const body = { ...rest, emailDomains: domains.split(/[\s,]+/).filter(Boolean), ...(secret ? { clientSecret: secret } : {}) };
    let saved: SsoSettings | undefined;
    if (await run(async () => void (saved = await api('PUT', '/sso', body)), 'Single sign-on saved')) {
      setSettings(saved!);
      setSecret('');
    }
  }

  return (
    <>
      <h2>Single sign-on</h2>
      <p className="muted">
        Sign-in through your OpenID Connect provider (Entra ID, Okta, Google, Keycloak…). Register <code>{settings.redirectUri}</code> as its redirect URI.
      </p>
      <form aria-label="Single sign-on" onSubmit={(e) => void save(e)}>
        <label className="check">
          <input type="checkbox" checked={settings.enabled} disabled={!canChange} onChange={(e) => change({ enabled: e.target.checked })} /> Sign in with single sign-on
        </label>
        <label className="field">
          Issuer URL
          <input type="url" value={settings.issuer} disabled={!canChange} required={settings.enabled} onChange={(e) => change({ issuer: e.target.value })} />
        </label>
        <label className="field">
          Client ID
          <input value={settings.clientId} disabled={!canChange} required={settings.enabled} onChange={(e) => change({ clientId: e.target.value })} />
        </label>
        <label className="field">
          Client secret
          <input type="password" value={secret} disabled={!canChange} placeholder={settings.hasClientSecret ? 'kept (type to replace)' : ''} onChange={(e) => setSecret(e.target.value)} autoComplete="off" />
        </label>
        <label className="field">
          Email domains for new users
          <input value={domains} disabled={!canChange} placeholder="example.com, example.org" onChange={(e) => setDomains(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.allowSignUp} disabled={!canChange} onChange={(e) => change({ allowSignUp: e.target.checked })} /> Create a user at the first sign-in
        </label>
        <label className="field">
          Their role
          <NativeSelect size="xs" value={settings.defaultRole} disabled={!canChange} onChange={(e) => change({ defaultRole: e.target.value as SsoSettings['defaultRole'] })}>
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
          </NativeSelect>
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.passwordSignInDisabled} disabled={!canChange} onChange={(e) => change({ passwordSignInDisabled: e.target.checked })} /> Agents and admins sign in by SSO only (super
          admins keep their password)
        </label>
        {canChange && <button type="submit">Save single sign-on</button>}
      </form>
      {feedback}
    </>
  );
}
