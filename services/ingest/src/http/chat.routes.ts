// The chat widget's HTTP API: start a session, send a message (X-Visitor-Token), read the transcript.
import express, { type Request, type Response, type Router } from 'express';
import type { RateLimiter } from '../adapters/rate-limiter';
import { HttpError, z } from '@inbox/lib';
import type { ChatSessionStore } from '../adapters/chat-session.store';
import type { ChatSession } from '../use-cases/ports';
import type { AcceptChatMessage, StartChatSession } from '../use-cases/accept-chat-message';

const SessionBody = z.object({ name: z.string().trim().max(200).optional(), email: z.email().max(320).optional() }).strict();
const MessageBody = z.object({ text: z.string().trim().min(1).max(10_000), clientMessageId: z.string().regex(/^[\w.:-]{1,128}$/).optional() }).strict();

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new HttpError(400, 'validation_failed', issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; '), { issues });
}

export interface ChatLimits {
  /** New sessions per widget and client address in each minute. */
  sessions: RateLimiter;
  /** Visitor messages per session in each minute. */
  messages: RateLimiter;
}

async function within(limiter: RateLimiter, key: string, res: Response): Promise<void> {
  const waitMs = await limiter.take(key);
  if (waitMs <= 0) return;
  const seconds = Math.ceil(waitMs / 1000);
  res.setHeader('Retry-After', String(seconds));
  throw new HttpError(429, 'rate_limited', `too many requests; try again in ${seconds} s`, { retryAfterSeconds: seconds });
}

export function chatRoutes(start: StartChatSession, accept: AcceptChatMessage, sessions: ChatSessionStore, widgetScript: string, limits: ChatLimits): Router {
  const router = express.Router();
  // The widget runs on customers' websites: its API is open to any origin. No cookies are
  // involved (the visitor token is a header), so this grants nothing a page could abuse.
  router.use('/chat', (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, x-visitor-token');
    res.setHeader('Access-Control-Max-Age', '600');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });

  router.get('/chat/widget.js', (_req, res) => {
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.send(widgetScript);
  });

  router.get('/chat/:widgetId/config', async (req, res, next) => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      res.json(await start.config(String(req.params.widgetId)));
    } catch (error) {
      next(error);
    }
  });
  const json = express.json({ limit: '32kb' });
  const requireJson = (req: Request) => {
    if (req.headers['content-type'] && !req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send JSON');
  };
  const visitorSession = async (req: Request): Promise<ChatSession> => {
    const token = req.header('x-visitor-token');
    if (!token) throw new HttpError(401, 'visitor_token_required', 'send the X-Visitor-Token header');
    const session = await sessions.authenticate(token);
    if (!session || session.sessionId !== req.params.sessionId) throw new HttpError(401, 'invalid_visitor_token', 'the visitor token does not belong to this session');
    return session;
  };

  router.post('/chat/:widgetId/sessions', json, async (req, res, next) => {
    try {
      requireJson(req);
      const body = parse(SessionBody, req.body);
      await within(limits.sessions, `chat-session:${String(req.params.widgetId)}:${req.ip ?? ''}`, res);
      res.status(201).json(await start.execute(String(req.params.widgetId), body));
    } catch (error) {
      next(error);
    }
  });

  router.post('/chat/sessions/:sessionId/messages', json, async (req, res, next) => {
    try {
      requireJson(req);
      const session = await visitorSession(req);
      const body = parse(MessageBody, req.body);
      await within(limits.messages, `chat-message:${session.sessionId}`, res);
      res.status(202).json(await accept.execute(session, body));
    } catch (error) {
      next(error);
    }
  });

  router.get('/chat/sessions/:sessionId/messages', async (req, res, next) => {
    try {
      const session = await visitorSession(req);
      res.json({ items: await sessions.transcript(session.sessionId), nextCursor: null });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
