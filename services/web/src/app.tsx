import { useEffect, useState, type FormEvent } from 'react';

type Readiness = { status: 'ready' | 'not_ready'; failing: string[] };

export function App() {
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    fetch('/readyz')
      .then((r) => r.json() as Promise<Readiness>)
      .then(setReadiness)
      .catch(() => setReadiness({ status: 'not_ready', failing: ['gateway'] }));
  }, []);

  async function signIn(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    const response = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    setMessage(response.ok ? 'Signed in' : (body.error?.message ?? `Sign-in failed (${response.status})`));
  }

  return (
    <main className="shell">
      <header className="topbar">
        <span className="brand">Inbox</span>
        <span className={`status ${readiness?.status ?? 'unknown'}`} data-testid="system-status">
          {readiness === null ? 'checking…' : readiness.status === 'ready' ? 'All systems ready' : `Degraded: ${readiness.failing.join(', ')}`}
        </span>
      </header>
      <form className="login" onSubmit={signIn} aria-label="Sign in">
        <h1>Sign in to your inbox</h1>
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        <button type="submit">Sign in</button>
        {message && <p role="status">{message}</p>}
      </form>
    </main>
  );
}
