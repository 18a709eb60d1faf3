// PostgreSQL storage of accounts, users, inboxes, members and channels. Every read takes the
// account id, so one account's ids are invisible to another.
import type { Pool } from '@inbox/lib';
import type { DirectoryStore, Queryable } from '../use-cases/directory-store';
import { canSeeInbox } from '../domain/inbox-access';
import { emailAddressKey, type Account, type Channel, type ChannelType, type Inbox, type Role, type User } from '../domain/directory';


interface UserRow {
  id: string;
  account_id: string;
  name: string;
  email: string;
  role: Role;
  deactivated_at: Date | null;
  removed_at: Date | null;
  created_at: Date;
  phone_number: string | null;
  password_hash?: string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  email: row.email,
  role: row.role,
  deactivated: row.deactivated_at !== null,
  removed: row.removed_at !== null,
  createdAt: row.created_at,
  phoneNumber: row.phone_number ?? null,
});

interface ChannelRow {
  id: string;
  account_id: string;
  inbox_id: string;
  type: ChannelType;
  name: string;
  lookup_key: string;
  settings: Channel['settings'];
  created_at: Date;
  verified: boolean;
}

const toChannel = (row: ChannelRow): Channel => ({
  id: row.id,
  accountId: row.account_id,
  inboxId: row.inbox_id,
  type: row.type,
  name: row.name,
  lookupKey: row.lookup_key,
  settings: row.settings,
  createdAt: row.created_at,
  verified: row.verified,
});

export class DirectoryRepository implements DirectoryStore {
  constructor(readonly pool: Pool) {}

  async insertAccount(db: Queryable, account: Account): Promise<void> {
    await db.query('INSERT INTO accounts (id, name, created_at, time_zone) VALUES ($1, $2, $3, $4)', [account.id, account.name, account.createdAt, account.timeZone]);
  }

  async findAccount(accountId: string): Promise<Account | null> {
    const found = await this.pool.query<{ id: string; name: string; created_at: Date; time_zone: string }>('SELECT id, name, created_at, time_zone FROM accounts WHERE id = $1', [accountId]);
    const row = found.rows[0];
    return row ? { id: row.id, name: row.name, createdAt: row.created_at, timeZone: row.time_zone } : null;
  }

  async updateAccount(accountId: string, change: { name?: string; timeZone?: string }, db: Queryable = this.pool): Promise<Account | null> {
    const found = await db.query<{ id: string; name: string; created_at: Date; time_zone: string }>(
      'UPDATE accounts SET name = COALESCE($2, name), time_zone = COALESCE($3, time_zone) WHERE id = $1 RETURNING id, name, created_at, time_zone',
      [accountId, change.name ?? null, change.timeZone ?? null],
    );
    const row = found.rows[0];
    return row ? { id: row.id, name: row.name, createdAt: row.created_at, timeZone: row.time_zone } : null;
  }

  async insertUser(db: Queryable, user: User, passwordHash: string): Promise<void> {
    await db.query(
      `INSERT INTO users (id, account_id, name, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [user.id, user.accountId, user.name, user.email, passwordHash, user.role, user.createdAt],
    );
  }

  async findLoginCandidate(email: string): Promise<(User & { passwordHash: string }) | null> {
    const result = await this.pool.query<UserRow>(
      `SELECT * FROM users WHERE lower(email) = lower($1) AND removed_at IS NULL`,
      [email],
    );
    const row = result.rows[0];
    return row ? { ...toUser(row), passwordHash: row.password_hash! } : null;
  }

  async findUser(accountId: string, userId: string, db: Queryable = this.pool): Promise<User | null> {
    const result = await db.query<UserRow>('SELECT * FROM users WHERE account_id = $1 AND id = $2', [accountId, userId]);
    return result.rows[0] ? toUser(result.rows[0]) : null;
  }

  async listUsers(accountId: string): Promise<User[]> {
    const result = await this.pool.query<UserRow>(
      'SELECT * FROM users WHERE account_id = $1 AND removed_at IS NULL ORDER BY created_at, id',
      [accountId],
    );
    return result.rows.map(toUser);
  }

  async updateUser(
    db: Queryable,
    accountId: string,
    userId: string,
    changes: { name?: string; role?: Role; deactivated?: boolean; removed?: boolean; phoneNumber?: string | null },
  ): Promise<User | null> {
    const result = await db.query<UserRow>(
      `UPDATE users SET
         name = COALESCE($3, name),
         phone_number = CASE WHEN $7::boolean THEN $8 ELSE phone_number END,
         role = COALESCE($4, role),
         deactivated_at = CASE WHEN $5::boolean IS NULL THEN deactivated_at WHEN $5 THEN COALESCE(deactivated_at, now()) ELSE NULL END,
         removed_at = CASE WHEN $6::boolean THEN COALESCE(removed_at, now()) ELSE removed_at END
       WHERE account_id = $1 AND id = $2 AND removed_at IS NULL
       RETURNING *`,
      [accountId, userId, changes.name ?? null, changes.role ?? null, changes.deactivated ?? null, changes.removed ?? null, changes.phoneNumber !== undefined, changes.phoneNumber ?? null],
    );
    return result.rows[0] ? toUser(result.rows[0]) : null;
  }

  async insertSession(db: Queryable, session: { id: string; accountId: string; userId: string; expiresAt: Date; ip: string; userAgent: string }): Promise<void> {
    await db.query('INSERT INTO sessions (id, account_id, user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)', [
      session.id,
      session.accountId,
      session.userId,
      session.expiresAt,
      session.ip || null,
      session.userAgent || null,
    ]);
  }

  /** The user of a live session, when that user is still active. */
  async findSessionUser(accountId: string, sessionId: string): Promise<User | null> {
    const result = await this.pool.query<UserRow>(
      `SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id AND u.account_id = s.account_id
       WHERE s.id = $2 AND s.account_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND u.deactivated_at IS NULL AND u.removed_at IS NULL`,
      [accountId, sessionId],
    );
    return result.rows[0] ? toUser(result.rows[0]) : null;
  }

  /** Moves a live session's expiry; null when the session has ended (or its user is no longer active). */
  async extendSession(db: Queryable, accountId: string, userId: string, sessionId: string, expiresAt: Date): Promise<Date | null> {
    const result = await db.query<{ expires_at: Date }>(
      `UPDATE sessions s SET expires_at = $4
       FROM users u
       WHERE s.id = $3 AND s.account_id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND u.id = s.user_id AND u.deactivated_at IS NULL AND u.removed_at IS NULL
       RETURNING s.expires_at`,
      [accountId, userId, sessionId, expiresAt],
    );
    return result.rows[0]?.expires_at ?? null;
  }

  /** Revokes a user's live sessions: all of them, all but one, or only one. */
  async revokeSessions(db: Queryable, accountId: string, userId: string, which: { only?: string; except?: string } = {}): Promise<void> {
    await db.query(
      `UPDATE sessions SET revoked_at = now()
       WHERE account_id = $1 AND user_id = $2 AND revoked_at IS NULL
         AND ($3::text IS NULL OR id = $3) AND ($4::text IS NULL OR id <> $4)`,
      [accountId, userId, which.only ?? null, which.except ?? null],
    );
  }

  async passwordHash(accountId: string, userId: string): Promise<string | null> {
    const result = await this.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE account_id = $1 AND id = $2 AND removed_at IS NULL', [accountId, userId]);
    return result.rows[0]?.password_hash ?? null;
  }

  async setPasswordHash(db: Queryable, accountId: string, userId: string, hash: string): Promise<void> {
    await db.query('UPDATE users SET password_hash = $3 WHERE account_id = $1 AND id = $2', [accountId, userId, hash]);
  }

  /** Active super admins of the account other than this user, locked so two demotions cannot both pass. */
  async otherActiveSuperadmins(db: Queryable, accountId: string, userId: string): Promise<number> {
    const result = await db.query(
      `SELECT id FROM users WHERE account_id = $1 AND id <> $2 AND role = 'superadmin' AND deactivated_at IS NULL AND removed_at IS NULL FOR UPDATE`,
      [accountId, userId],
    );
    return result.rowCount ?? 0;
  }

  /** Whether the user may work in the inbox (canSeeInbox with the user's membership of it). */
  async canSeeInboxOf(db: Queryable, user: User, inboxId: string): Promise<boolean> {
    const member = await db.query('SELECT 1 FROM inbox_members WHERE account_id = $1 AND inbox_id = $2 AND user_id = $3', [user.accountId, inboxId, user.id]);
    return canSeeInbox({ role: user.role, memberInboxIds: member.rowCount ? new Set([inboxId]) : new Set() }, inboxId);
  }

  async insertInbox(db: Queryable, inbox: Inbox): Promise<void> {
    await db.query('INSERT INTO inboxes (id, account_id, name, created_at) VALUES ($1, $2, $3, $4)', [inbox.id, inbox.accountId, inbox.name, inbox.createdAt]);
  }

  async listInboxes(accountId: string, inboxId?: string): Promise<Inbox[]> {
    const result = await this.pool.query<{
      id: string;
      account_id: string;
      name: string;
      created_at: Date;
      member_ids: string[] | null;
      survey_on_close: boolean;
      survey_every_days: number;
      survey_question: 'csat' | 'nps';
    }>(
      `SELECT i.id, i.account_id, i.name, i.created_at, i.survey_on_close, i.survey_every_days, i.survey_question,
              array_remove(array_agg(m.user_id ORDER BY m.added_at), NULL) AS member_ids
       FROM inboxes i LEFT JOIN inbox_members m ON m.account_id = i.account_id AND m.inbox_id = i.id
       WHERE i.account_id = $1 AND ($2::text IS NULL OR i.id = $2)
       GROUP BY i.id ORDER BY i.created_at, i.id`,
      [accountId, inboxId ?? null],
    );
    return result.rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      name: row.name,
      createdAt: row.created_at,
      memberIds: row.member_ids ?? [],
      survey: { onClose: row.survey_on_close, everyDays: row.survey_every_days, question: row.survey_question },
    }));
  }

  async renameInbox(accountId: string, inboxId: string, name: string, db: Queryable = this.pool): Promise<boolean> {
    const result = await db.query('UPDATE inboxes SET name = $3 WHERE account_id = $1 AND id = $2', [accountId, inboxId, name]);
    return result.rowCount === 1;
  }

  /** Locks the inbox for the rest of the transaction; false when the account has no such inbox. */
  async lockInbox(db: Queryable, accountId: string, inboxId: string): Promise<boolean> {
    const result = await db.query('SELECT 1 FROM inboxes WHERE account_id = $1 AND id = $2 FOR UPDATE', [accountId, inboxId]);
    return result.rowCount === 1;
  }

  /** Its channels, memberships and custom views go with it (the caller moved its conversations first). */
  async deleteInbox(db: Queryable, accountId: string, inboxId: string): Promise<void> {
    await db.query('DELETE FROM inboxes WHERE account_id = $1 AND id = $2', [accountId, inboxId]);
  }

  async removeMember(db: Queryable, accountId: string, inboxId: string, userId: string): Promise<boolean> {
    const result = await db.query('DELETE FROM inbox_members WHERE account_id = $1 AND inbox_id = $2 AND user_id = $3', [accountId, inboxId, userId]);
    return result.rowCount === 1;
  }

  async updateChannel(accountId: string, channelId: string, changes: { name: string; settings: Channel['settings']; secret?: string; sendToken?: string }, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `UPDATE channels SET name = $3, settings = $4, secret = COALESCE($5, secret), send_token = COALESCE($6, send_token) WHERE account_id = $1 AND id = $2`,
      [accountId, channelId, changes.name, changes.settings, changes.secret ?? null, changes.sendToken ?? null],
    );
  }

  /** Its conversations stay (they no longer name a channel); its bot goes with it. */
  async deleteChannel(accountId: string, channelId: string, db: Queryable = this.pool): Promise<boolean> {
    const result = await db.query('DELETE FROM channels WHERE account_id = $1 AND id = $2', [accountId, channelId]);
    return result.rowCount === 1;
  }

  async addMember(accountId: string, inboxId: string, userId: string, db: Queryable = this.pool): Promise<void> {
    await db.query(
      'INSERT INTO inbox_members (inbox_id, user_id, account_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [inboxId, userId, accountId],
    );
  }

  /** Inserts the channel; returns false when its lookup key (or, for email, its address key) is already taken. */
  async insertChannel(
    channel: Channel,
    secret: string | null,
    sendToken: string | null,
    ownership?: { addressKey: string; verificationCodeHash: string | null },
    db: Queryable = this.pool,
  ): Promise<boolean> {
    const result = await db.query(
      `INSERT INTO channels (id, account_id, inbox_id, type, name, lookup_key, settings, secret, send_token, created_at, verified, address_key, verification_code_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
      [
        channel.id,
        channel.accountId,
        channel.inboxId,
        channel.type,
        channel.name,
        channel.lookupKey,
        channel.settings,
        secret,
        sendToken,
        channel.createdAt,
        channel.verified,
        ownership?.addressKey ?? null,
        ownership?.verificationCodeHash ?? null,
      ],
    );
    return result.rowCount === 1;
  }

  async findChannel(accountId: string, channelId: string): Promise<Channel | null> {
    const result = await this.pool.query<ChannelRow>('SELECT * FROM channels WHERE account_id = $1 AND id = $2', [accountId, channelId]);
    return result.rows[0] ? toChannel(result.rows[0]) : null;
  }

  /** Checks a verification code in one statement: verifies on a match, counts a miss, refuses once attempts run out. */
  async tryVerificationCode(accountId: string, channelId: string, codeHash: string, maxAttempts: number): Promise<'verified' | 'wrong' | 'exhausted'> {
    const result = await this.pool.query<{ verified: boolean; verification_attempts: number }>(
      `UPDATE channels SET
         verified = (verification_code_hash = $3),
         verification_code_hash = CASE WHEN verification_code_hash = $3 THEN NULL ELSE verification_code_hash END,
         verification_attempts = verification_attempts + CASE WHEN verification_code_hash = $3 THEN 0 ELSE 1 END
       WHERE account_id = $1 AND id = $2 AND NOT verified AND verification_code_hash IS NOT NULL AND verification_attempts < $4
       RETURNING verified, verification_attempts`,
      [accountId, channelId, codeHash, maxAttempts],
    );
    const row = result.rows[0];
    if (!row) return 'exhausted';
    return row.verified ? 'verified' : 'wrong';
  }

  async listChannels(accountId: string, inboxId: string): Promise<Channel[]> {
    const result = await this.pool.query<ChannelRow>(
      'SELECT * FROM channels WHERE account_id = $1 AND inbox_id = $2 ORDER BY created_at, id',
      [accountId, inboxId],
    );
    return result.rows.map(toChannel);
  }

  /** For the channel edge only: the channel with its webhook secret. */
  async resolveChannel(type: ChannelType, by: { lookupKey?: string; verifyToken?: string; channelId?: string }): Promise<(Channel & { secret: string }) | null> {
    if (type === 'email' && !by.channelId && !by.verifyToken) {
      // The exact address first (stored lower-case; an older +tag channel kept from before addresses were unique),
      // then its address key, so mail to local+tag@ reaches the channel of local@.
      const address = (by.lookupKey ?? '').trim().toLowerCase();
      const found = await this.pool.query<ChannelRow & { secret: string | null }>(
        `SELECT * FROM channels WHERE type = 'email' AND (lookup_key = $1 OR address_key = $2) ORDER BY (lookup_key = $1) DESC LIMIT 1`,
        [address, emailAddressKey(address)],
      );
      const row = found.rows[0];
      return row ? { ...toChannel(row), secret: row.secret ?? '' } : null;
    }
    const [column, value] = by.channelId ? ['id', by.channelId] : by.verifyToken ? ["settings ->> 'verifyToken'", by.verifyToken] : ['lookup_key', by.lookupKey ?? ''];
    const result = await this.pool.query<ChannelRow & { secret: string | null }>(`SELECT * FROM channels WHERE type = $1 AND ${column} = $2`, [type, value]);
    const row = result.rows[0];
    return row ? { ...toChannel(row), secret: row.secret ?? '' } : null;
  }

  async channelSecrets(type: ChannelType): Promise<string[]> {
    const result = await this.pool.query<{ secret: string }>('SELECT DISTINCT secret FROM channels WHERE type = $1 AND secret IS NOT NULL', [type]);
    return result.rows.map((r) => r.secret);
  }
}
