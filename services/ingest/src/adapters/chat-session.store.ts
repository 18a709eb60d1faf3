// Chat sessions live at the edge in Redis: the session (its channel, the visitor, a hash of the
// visitor token) and its transcript. Live delivery to every ingest replica goes through a Redis
// channel per session, since the visitor's socket may be on any replica.
import type { ChatSession, TranscriptEntry, ChatSessions } from '../use-cases/ports';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '@inbox/lib';

const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;
const TRANSCRIPT_MAX = 500;



const sessionKey = (id: string) => `chat:session:${id}`;
const transcriptKey = (id: string) => `chat:transcript:${id}`;
export const sessionChannel = (id: string) => `chat:events:${id}`;
const digest = (secret: string) => createHash('sha256').update(secret).digest();

export class ChatSessionStore implements ChatSessions {
  constructor(private readonly redis: RedisClient) {}

  /** Creates a session; the visitor token is "<sessionId>.<secret>" and only the secret's hash is kept. */
  async create(input: Omit<ChatSession, 'sessionId' | 'visitorId' | 'createdAt'> & { visitorId?: string }): Promise<{ session: ChatSession; visitorToken: string }> {
    const session: ChatSession = { ...input, sessionId: `cs_${randomUUID()}`, visitorId: input.visitorId ?? `v_${randomUUID()}`, createdAt: new Date().toISOString() };
    const secret = randomBytes(24).toString('base64url');
    await this.redis
      .multi()
      .hSet(sessionKey(session.sessionId), { ...session, tokenHash: digest(secret).toString('hex') })
      .expire(sessionKey(session.sessionId), SESSION_TTL_SECONDS)
      .exec();
    return { session, visitorToken: `${session.sessionId}.${secret}` };
  }

  async get(sessionId: string): Promise<(ChatSession & { tokenHash: string }) | null> {
    const stored = (await this.redis.hGetAll(sessionKey(sessionId))) as Record<string, string>;
    return stored && stored.sessionId ? (stored as unknown as ChatSession & { tokenHash: string }) : null;
  }

  /** The session a visitor token belongs to, or null when the token is unknown or wrong. */
  async authenticate(visitorToken: string): Promise<ChatSession | null> {
    const [sessionId, secret] = visitorToken.split('.');
    if (!sessionId || !secret || !/^cs_[0-9a-f-]{36}$/.test(sessionId)) return null;
    const session = await this.get(sessionId);
    if (!session) return null;
    const expected = Buffer.from(session.tokenHash, 'hex');
    const actual = digest(secret);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    const { tokenHash: _hash, ...rest } = session;
    return rest;
  }

  /** Appends to the transcript (once per entry id) and tells every replica's sockets. */
  async append(sessionId: string, entry: TranscriptEntry): Promise<void> {
    const marker = `chat:seen:${sessionId}:${entry.id}`;
    const first = await this.redis.set(marker, '1', { NX: true, EX: SESSION_TTL_SECONDS });
    if (first === null) return;
    const payload = JSON.stringify(entry);
    await this.redis
      .multi()
      .rPush(transcriptKey(sessionId), payload)
      .lTrim(transcriptKey(sessionId), -TRANSCRIPT_MAX, -1)
      .expire(transcriptKey(sessionId), SESSION_TTL_SECONDS)
      .expire(sessionKey(sessionId), SESSION_TTL_SECONDS)
      .publish(sessionChannel(sessionId), payload)
      .exec();
  }

  async transcript(sessionId: string): Promise<TranscriptEntry[]> {
    return (await this.redis.lRange(transcriptKey(sessionId), 0, -1)).map((line) => JSON.parse(line) as TranscriptEntry);
  }
}
