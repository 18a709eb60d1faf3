// Accounts' OpenID Connect providers in PostgreSQL.
import type { Pool } from '@inbox/lib';
import type { Queryable } from '../use-cases/directory-store';
import type { SsoSettings, SsoStore } from '../use-cases/single-sign-on';

interface Row {
  enabled: boolean;
  issuer: string;
  client_id: string;
  client_secret: string | null;
  email_domains: string[];
  allow_sign_up: boolean;
  default_role: 'agent' | 'admin';
  password_sign_in_disabled: boolean;
}

export class SsoRepository implements SsoStore {
  constructor(private readonly pool: Pool) {}

  async settings(accountId: string, db: Queryable = this.pool): Promise<(SsoSettings & { clientSecret: string | null }) | null> {
    const { rows } = await db.query<Row>('SELECT * FROM sso_providers WHERE account_id = $1', [accountId]);
    const r = rows[0];
    if (!r) return null;
    return {
      enabled: r.enabled,
      issuer: r.issuer,
      clientId: r.client_id,
      hasClientSecret: !!r.client_secret,
      clientSecret: r.client_secret,
      emailDomains: r.email_domains,
      allowSignUp: r.allow_sign_up,
      defaultRole: r.default_role,
      passwordSignInDisabled: r.password_sign_in_disabled,
    };
  }

  async save(db: Queryable, accountId: string, s: Omit<SsoSettings, 'hasClientSecret'>, clientSecret: string | undefined): Promise<void> {
    await db.query(
      `INSERT INTO sso_providers (account_id, enabled, issuer, client_id, client_secret, email_domains, allow_sign_up, default_role, password_sign_in_disabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (account_id) DO UPDATE SET enabled = $2, issuer = $3, client_id = $4, client_secret = COALESCE($5, sso_providers.client_secret),
         email_domains = $6, allow_sign_up = $7, default_role = $8, password_sign_in_disabled = $9, updated_at = now()`,
      [accountId, s.enabled, s.issuer, s.clientId, clientSecret ?? null, s.emailDomains, s.allowSignUp, s.defaultRole, s.passwordSignInDisabled],
    );
  }

  async accountForDomain(domain: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ account_id: string }>('SELECT account_id FROM sso_providers WHERE enabled AND $1 = ANY(email_domains) ORDER BY account_id LIMIT 1', [domain]);
    return rows[0]?.account_id ?? null;
  }
}
