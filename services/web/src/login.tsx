// The sign-in form: email and password, or single sign-on found from the email's domain.
import { Button } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiError, api, session, type User } from './api';
import { ColorSchemeToggle } from './theme';

const SSO_ERRORS: Record<string, string> = {
  sso_state_invalid: 'That single sign-on was not started here, was used already, or took too long. Try again.',
  sso_nonce_mismatch: 'The identity provider answered for another sign-in. Try again.',
  sso_email_unverified: 'Your identity provider has not verified your email address.',
  sso_sign_up_disabled: 'There is no user with your email here. Ask an admin to add you.',
  sso_account_mismatch: 'Your email belongs to a user of another account.',
  user_inactive: 'Your user is deactivated.',
};

export function Login({ onSignedIn, notice, ssoError }: { onSignedIn: (user: User) => void; notice: string | null; ssoError: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(ssoError ? (SSO_ERRORS[ssoError] ?? 'Single sign-on failed.') : null);

  async function signInWithSso() {
    setMessage(null);
    if (!email) return setMessage('Enter your email first: it tells which identity provider signs you in.');
    try {
      const { authorizationUrl } = await api('POST', '/auth/sso/start', { email });
      location.assign(authorizationUrl);
    } catch (error) {
      setMessage(error instanceof ApiError && error.code === 'sso_not_configured' ? 'Single sign-on is not set up for this email.' : error instanceof ApiError ? error.message : 'Single sign-on failed');
    }
  }

  async function signIn(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    try {
      const result = await api('POST', '/auth/login', { email, password });
      session.token = result.token;
      onSignedIn(result.user);
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : 'Sign-in failed');
    }
  }

  return (
    <main className="shell">
      <header className="topbar">
        <span className="brand">Inbox</span>
        <span className="spacer" />
        <ColorSchemeToggle />
      </header>
      <form className="login" onSubmit={signIn} aria-label="Sign in">
        <h1>Sign in to your inbox</h1>
        {notice && <p role="status">{notice}</p>}
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        <Button type="submit" size="sm">
          Sign in
        </Button>
        <Button type="button" variant="default" size="sm" onClick={() => void signInWithSso()}>
          Sign in with SSO
        </Button>
        {message && <p role="alert">{message}</p>}
      </form>
    </main>
  );
}
