// The agents' WebSocket, GET /api/v1/realtime. Authenticated by a single-use ?ticket= from
// POST /api/v1/realtime/tickets (checked before the upgrade) or by a first {type:"auth", ticket}
// frame; a socket whose session is revoked is closed with 4401, and one user holds at most a
// bounded number of sockets. Each connection receives its account's
// events for the inboxes it may see (and its own notifications), each with its stream and
// per-stream sequence, in stream order; a client that reconnects with ?since=conversation:N,…
// (or `since` in the auth frame) first receives exactly what it missed, or {type:"resync"} when
// that is too old to replay. Clients report viewing/typing; everyone else on the conversation
// sees the list live. Admins may watch the wallboard ({type:"wallboard.watch"}): the whole board
// at once, then again after each change (see Wallboards).
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Gauge } from 'prom-client';
import { HttpError, PRESENCE_TTL_MS, errorMessage, newId, type Activity, type DirectoryChanged, type Logger, type PresenceBoard, type PresenceChange, type ServiceMetrics, type ConversationClients } from '@inbox/lib';
import type { AuthenticatedUser, SessionResolver } from '../http/authenticate';
import type { RealtimeTickets } from '../auth/realtime-tickets';
import type { SessionEvents } from '../auth/session-events';
import { conversationItem } from '../http/shapes/conversation.shapes';
import { STREAM_KEYS, type EventFeed, type FeedEvent, type StreamKey } from './event-feed';
import { jsonFrame } from './text-frame';
import { SocketHeartbeat } from './socket-heartbeat';
import { CLOSE_GOING_AWAY, CLOSE_INTERNAL_ERROR, SocketState, acceptWebSocket, type AgentSocket, type SocketListener } from './agent-socket';
import type { Wallboards } from './wallboards';

export const REALTIME_PATH = '/api/v1/realtime';
const AUTH_TIMEOUT_MS = 10_000;
/** How often every open socket's session is checked again, for a revocation whose notice was missed. */
const SESSION_SWEEP_MS = 60_000;
const HEARTBEAT_PERIOD_MS = PRESENCE_TTL_MS / 3;
const HEARTBEAT_TICK_MS = 250;
export const CLOSE_REVOKED = 4401;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const MAX_PAYLOAD_BYTES = 64 * 1024;
const VIEWS_CHANGED_DELAY_MS = 250;

export interface RealtimeDependencies {
  feed: EventFeed;
  presence: PresenceBoard;
  tickets: RealtimeTickets;
  sessions: SessionResolver;
  sessionEvents: SessionEvents;
  /** Subscribes to announcements that an account's users, inboxes or teams changed; returns the unsubscribe. */
  directoryChanges: (listener: (change: DirectoryChanged) => void) => () => void;
  maxSocketsPerUser: number;
  conversation: ConversationClients;
  wallboards: Wallboards;
  logger: Logger;
  metrics: ServiceMetrics;
}

type Since = Partial<Record<StreamKey, number>>;

/** `conversation:12,notification:3` → {conversation: 12, notification: 3}; undefined when malformed. */
export function parseSince(value: unknown): Since | undefined {
  if (value === undefined || value === null || value === '') return {};
  const pairs: [string, unknown][] =
    typeof value === 'string' ? value.split(',').map((p) => p.split(':') as [string, string]) : typeof value === 'object' ? Object.entries(value) : [];
  if (pairs.length === 0 && typeof value !== 'object') return undefined;
  const since: Since = {};
  for (const [key, raw] of pairs) {
    const seq = Number(raw);
    if (!STREAM_KEYS.includes(key as StreamKey) || !Number.isSafeInteger(seq) || seq < 0) return undefined;
    since[key as StreamKey] = seq;
  }
  return since;
}

const viewsChangedFrames = new Map<string, Buffer>();

/**
 * A comment changes no view's count (views select by status, assignee, team, channel and who spoke
 * last); telling every socket of the inbox to refetch its counts would double each comment's
 * frames and send a count query per agent.
 */
function changesViewCounts(event: FeedEvent): boolean {
  return event.frame.type !== 'comment.created';
}

/** The same few bytes for every socket of an inbox, made once (10,000 sockets made them 10,000 times a change). */
function viewsChangedFrame(inboxId: string): Buffer {
  let frame = viewsChangedFrames.get(inboxId);
  if (!frame) {
    if (viewsChangedFrames.size >= 10_000) viewsChangedFrames.clear();
    frame = jsonFrame({ type: 'views.changed', inboxId });
    viewsChangedFrames.set(inboxId, frame);
  }
  return frame;
}

export class RealtimeServer {
  /** Every open socket, signed in or not, pinged once per heartbeat period a share at a time. */
  private readonly sockets = new SocketHeartbeat<AgentSocket>(HEARTBEAT_PERIOD_MS, HEARTBEAT_TICK_MS);
  private readonly byAccount = new Map<string, Set<RealtimeConnection>>();
  /** The same connections by user: counting a user's sockets must not scan the account's (10,000 accepts took 7 s). */
  private readonly byUser = new Map<string, Set<RealtimeConnection>>();
  private readonly presenceSubscriptions = new Map<string, () => void>();
  private readonly summaries = new Map<string, Promise<ReturnType<typeof conversationItem> | null>>();
  private readonly encoded = new WeakMap<FeedEvent, Promise<Buffer>>();
  /** Per account, the fan-out of its latest event: events are framed concurrently and written in order. */
  private readonly deliveries = new Map<string, Promise<void>>();
  /** Per account, the inboxes whose view counts changed since the last views.changed. */
  private readonly countsChanged = new Map<string, Set<string>>();
  private countsTimer: NodeJS.Timeout | undefined;
  private presenceRefresh: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private unsubscribeSessions: (() => void) | undefined;
  private unsubscribeDirectory: (() => void) | undefined;
  private readonly connections: Gauge;

  constructor(readonly deps: RealtimeDependencies) {
    this.connections = new Gauge({ name: 'inbox_realtime_connections', help: 'Open agent WebSockets on this replica', registers: [deps.metrics.registry] });
  }

  async start(server: Server): Promise<void> {
    await this.deps.feed.start((event) => {
      this.fanOut(event);
      if (event.stream !== 'notification') this.deps.wallboards.changed(event.accountId);
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== REALTIME_PATH) return socket.destroy();
      void this.accept(req, url, socket, head);
    });
    this.sockets.start();
    this.presenceRefresh = setInterval(() => {
      for (const set of this.byAccount.values()) for (const c of set) if (c.showsPresence) void c.refreshPresence();
    }, PRESENCE_TTL_MS / 3);
    this.presenceRefresh.unref();
    this.unsubscribeSessions = this.deps.sessionEvents.subscribe((change) => void this.recheckSessions((c) => c.user.accountId === change.accountId && c.user.id === change.userId));
    this.sweep = setInterval(() => void this.recheckSessions(() => true), SESSION_SWEEP_MS);
    this.sweep.unref();
    // Open inboxes reload their teams, members and pickers; nothing about a conversation changed.
    this.unsubscribeDirectory = this.deps.directoryChanges((change) => {
      for (const connection of this.byAccount.get(change.accountId) ?? []) connection.send({ type: 'directory.changed', part: change.part });
      this.deps.wallboards.changed(change.accountId);
    });
  }

  /**
   * One event to every socket of its account that may see it. The frame is rendered and framed
   * once, then written to each live socket in one synchronous pass: no promise, closure or ws frame
   * per socket (at 10,000 sockets that halved the gateway's CPU per frame).
   */
  private fanOut(event: FeedEvent): void {
    const live: RealtimeConnection[] = [];
    for (const connection of this.byAccount.get(event.accountId) ?? []) if (connection.offer(event)) live.push(connection);
    if (live.length === 0) return;
    const frame = this.encode(event, live[0].user);
    const { accountId } = event;
    const delivered = (this.deliveries.get(accountId) ?? Promise.resolve()).then(async () => {
      let bytes: Buffer;
      try {
        bytes = await frame;
      } catch (error) {
        this.deps.logger.warn({ error: errorMessage(error), seq: event.seq }, 'realtime event could not be rendered');
        for (const connection of live) connection.missed();
        return;
      }
      for (const connection of live) connection.deliver(event, bytes);
    });
    this.deliveries.set(accountId, delivered);
    void delivered.then(() => {
      if (this.deliveries.get(accountId) === delivered) this.deliveries.delete(accountId);
    });
  }

  /**
   * One {type:"views.changed"} per inbox a quarter of a second after a change, to every live socket
   * that sees it, telling the client to refetch its counts: one timer for the gateway, not one per
   * socket.
   */
  viewCountsChanged(accountId: string, inboxId: string): void {
    let inboxes = this.countsChanged.get(accountId);
    if (!inboxes) this.countsChanged.set(accountId, (inboxes = new Set()));
    inboxes.add(inboxId);
    this.countsTimer ??= setTimeout(() => this.flushViewCounts(), VIEWS_CHANGED_DELAY_MS);
  }

  private flushViewCounts(): void {
    this.countsTimer = undefined;
    for (const [accountId, inboxes] of this.countsChanged) {
      for (const connection of this.byAccount.get(accountId) ?? []) for (const inboxId of inboxes) connection.viewCountsChanged(inboxId);
    }
    this.countsChanged.clear();
  }

  private userConnections(accountId: string, userId: string): RealtimeConnection[] {
    return [...(this.byUser.get(`${accountId}\u0000${userId}`) ?? [])];
  }

  /** Closes (4401) every matching socket whose session no longer resolves; refreshes the rest. */
  async recheckSessions(which: (c: RealtimeConnection) => boolean): Promise<void> {
    const bySession = new Map<string, RealtimeConnection[]>();
    for (const set of this.byAccount.values()) {
      for (const c of set) {
        if (!which(c)) continue;
        const connections = bySession.get(c.user.sessionId);
        if (connections) connections.push(c);
        else bySession.set(c.user.sessionId, [c]);
      }
    }
    // What a user may see is read once per user, not once per socket (10,000 sockets asked the
    // conversation service 10,000 times a minute, and the garbage kept the gateway collecting).
    const visibleByUser = new Map<string, Promise<Set<string>>>();
    for (const [sessionId, connections] of bySession) {
      const { accountId } = connections[0].user;
      try {
        const user = await this.deps.sessions(accountId, sessionId);
        const userKey = `${user.accountId}\u0000${user.id}`;
        let visible = visibleByUser.get(userKey);
        if (!visible) visibleByUser.set(userKey, (visible = this.visibleInboxes(user)));
        const inboxes = await visible;
        for (const c of connections) c.refreshAccess(user, inboxes);
      } catch (error) {
        if (error instanceof HttpError && error.status === 401) for (const c of connections) c.revoke();
        else this.deps.logger.warn({ err: error }, 'realtime session re-check failed');
      }
    }
  }

  async close(): Promise<void> {
    this.sockets.stop();
    clearInterval(this.presenceRefresh);
    clearInterval(this.sweep);
    clearTimeout(this.countsTimer);
    this.unsubscribeSessions?.();
    this.unsubscribeDirectory?.();
    this.deps.feed.stop();
    this.deps.wallboards.close();
    for (const socket of this.sockets) socket.close(CLOSE_GOING_AWAY, 'server shutting down');
    for (const unsubscribe of this.presenceSubscriptions.values()) unsubscribe();
    await Promise.all([...this.byAccount.values()].flatMap((set) => [...set].map((c) => c.leaveAll())));
  }

  /** The user behind a ticket, once; a 401 HttpError for an unknown, used or expired ticket. */
  private async redeem(ticket: string): Promise<AuthenticatedUser> {
    const holder = await this.deps.tickets.redeem(ticket);
    if (!holder) throw new HttpError(401, 'invalid_ticket', 'the ticket is unknown, used or expired; ask POST /api/v1/realtime/tickets for another');
    const user = await this.deps.sessions(holder.accountId, holder.sessionId);
    if (user.id !== holder.userId) throw new HttpError(401, 'invalid_ticket', 'the ticket is unknown, used or expired');
    if (this.userConnections(user.accountId, user.id).length >= this.deps.maxSocketsPerUser) {
      throw new HttpError(429, 'too_many_sockets', `at most ${this.deps.maxSocketsPerUser} open sockets per user`);
    }
    return user;
  }

  private async accept(req: IncomingMessage, url: URL, socket: Duplex, head: Buffer): Promise<void> {
    const ticket = url.searchParams.get('ticket');
    const since = parseSince(url.searchParams.get('since') ?? undefined);
    if (!since) return refuse(socket, 400, 'invalid_since', 'since must look like conversation:12,notification:3');
    let user: AuthenticatedUser | undefined;
    if (ticket) {
      try {
        user = await this.redeem(ticket);
      } catch (error) {
        if (error instanceof HttpError) return refuse(socket, error.status, error.code, error.message);
        this.deps.logger.warn({ error: errorMessage(error) }, 'realtime authentication failed');
        return refuse(socket, 503, 'unavailable', 'try again shortly');
      }
    }
    const ws = acceptWebSocket(req, socket, head, MAX_PAYLOAD_BYTES);
    if (!ws) return;
    this.sockets.add(ws);
    if (user) void this.open(ws, user, since);
    else this.awaitAuthFrame(ws);
  }

  private awaitAuthFrame(ws: AgentSocket): void {
    const timer = setTimeout(() => ws.close(4401, 'authenticate first'), AUTH_TIMEOUT_MS);
    let waiting = true;
    ws.listen({
      message: async (data) => {
        if (!waiting) return;
        waiting = false;
        clearTimeout(timer);
        const frame = parseFrame(data);
        const since = parseSince(frame?.since);
        if (frame?.type !== 'auth' || typeof frame.ticket !== 'string' || !since) {
          ws.sendJson({ type: 'error', code: 'auth_required', message: 'the first frame must be {type:"auth", ticket}' });
          return ws.close(4401, 'authenticate first');
        }
        try {
          await this.open(ws, await this.redeem(frame.ticket), since);
        } catch (error) {
          const code = error instanceof HttpError ? error.code : 'unavailable';
          ws.sendJson({ type: 'error', code, message: error instanceof HttpError ? error.message : 'try again shortly' });
          ws.close(error instanceof HttpError ? (error.status === 429 ? 4429 : 4401) : CLOSE_INTERNAL_ERROR, code);
        }
      },
      pong: () => undefined,
      closed: () => {
        clearTimeout(timer);
        this.sockets.delete(ws);
      },
    });
  }

  private async open(ws: AgentSocket, signedIn: AuthenticatedUser, since: Since): Promise<void> {
    // Closed while its ticket was being redeemed: nothing would ever release it.
    if (ws.state !== SocketState.Open) return;
    const userKey = `${signedIn.accountId}\u0000${signedIn.id}`;
    const mine = this.byUser.get(userKey) ?? new Set<RealtimeConnection>();
    // A user's sockets share one user object while it is the same (10,000 copies of it were 4 MB).
    const peer = mine.values().next().value;
    const user = peer && sameUser(peer.user, signedIn) ? peer.user : signedIn;
    const connection = new RealtimeConnection(ws, user, this);
    let set = this.byAccount.get(user.accountId);
    if (!set) {
      this.byAccount.set(user.accountId, (set = new Set()));
      this.presenceSubscriptions.set(user.accountId, this.deps.presence.subscribe(user.accountId, (change) => void this.pushPresence(change)));
    }
    set.add(connection);
    this.byUser.set(userKey, mine.add(connection));
    this.connections.inc();
    try {
      await connection.start(since);
    } catch (error) {
      this.deps.logger.warn({ error: errorMessage(error) }, 'realtime connection could not start');
      ws.close(CLOSE_INTERNAL_ERROR, 'could not start');
    }
  }

  /** The connection's socket closed: it leaves every index, and its presence is cleared. */
  release(connection: RealtimeConnection): void {
    this.sockets.delete(connection.ws);
    this.connections.dec();
    const { accountId, id } = connection.user;
    const userKey = `${accountId}\u0000${id}`;
    const mine = this.byUser.get(userKey);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(userKey);
    const set = this.byAccount.get(accountId);
    set?.delete(connection);
    if (set?.size === 0) {
      this.byAccount.delete(accountId);
      this.presenceSubscriptions.get(accountId)?.();
      this.presenceSubscriptions.delete(accountId);
    }
    void connection.leaveAll();
  }

  async visibleInboxes(user: AuthenticatedUser): Promise<Set<string>> {
    const inboxes = (await this.deps.conversation.directory.call.listInboxes({ tenant: { accountId: user.accountId, userId: user.id } })).inboxes;
    // Admins see every inbox of the account; agents the inboxes they are members of.
    const everything = user.role === 'admin' || user.role === 'superadmin';
    return new Set(inboxes.filter((i) => everything || i.memberIds.includes(user.id)).map((i) => i.id));
  }

  /** The conversation as a list item, fetched once per version however many sockets get it. */
  summary(user: AuthenticatedUser, conversationId: string, version?: number): Promise<ReturnType<typeof conversationItem> | null> {
    const key = `${user.accountId}:${conversationId}@${version ?? 'now'}`;
    let found = version === undefined ? undefined : this.summaries.get(key);
    if (!found) {
      found = this.deps.conversation.conversations.call
        .getConversationSummaries({ tenant: { accountId: user.accountId, userId: user.id }, conversationIds: [conversationId] })
        .then((r) => (r.items[0] ? conversationItem(r.items[0]) : null));
      if (version !== undefined) {
        this.summaries.set(key, found);
        found.catch(() => this.summaries.delete(key));
        if (this.summaries.size > 5000) this.summaries.delete(this.summaries.keys().next().value!);
      }
    }
    return found;
  }

  async render(event: FeedEvent, user: AuthenticatedUser): Promise<Record<string, unknown>> {
    if (event.stream !== 'conversation' || !event.conversationId) return event.frame;
    const conversation = event.frame.type === 'conversation.deleted' ? null : await this.summary(user, event.conversationId, event.version);
    return { ...event.frame, conversation };
  }

  /**
   * The event as a WebSocket frame. It renders the same for every connection of its account (the
   * summary is cached per version), so it is serialised and framed once, not once per socket.
   */
  encode(event: FeedEvent, user: AuthenticatedUser): Promise<Buffer> {
    let bytes = this.encoded.get(event);
    if (!bytes) {
      const pending = this.render(event, user).then(jsonFrame);
      this.encoded.set(event, pending);
      pending.catch(() => this.encoded.delete(event));
      bytes = pending;
    }
    return bytes;
  }

  private async pushPresence(change: PresenceChange): Promise<void> {
    const connections = [...(this.byAccount.get(change.accountId) ?? [])].filter((c) => c.canSee(change.inboxId));
    if (connections.length === 0) return;
    try {
      const users = await this.deps.presence.list(change.accountId, change.conversationId);
      for (const c of connections) c.send({ type: 'presence', conversationId: change.conversationId, inboxId: change.inboxId, users });
    } catch (error) {
      this.deps.logger.warn({ error: errorMessage(error) }, 'presence list failed');
    }
  }
}

const SETTLED = Promise.resolve();

class RealtimeConnection implements SocketListener {
  private presenceId: string | undefined;
  private readonly lastSent: Record<StreamKey, number> = { conversation: 0, notification: 0, routing: 0 };
  private live = false;
  /** Events that came while the socket was starting; null once it is live (or revoked). */
  private buffer: FeedEvent[] | null = [];
  private chain: Promise<void> = SETTLED;
  /** Frames waiting in `chain`; while there are any, live events queue behind them to keep the order. */
  private queued = 0;
  private visible = new Set<string>();
  private subscribed: Set<string> | null = null;
  /** The conversations this socket shows presence on; made on the first (most sockets show none). */
  private present: Map<string, { inboxId: string; activity: Activity }> | undefined;
  private unwatchWallboard: (() => void) | undefined;

  constructor(
    readonly ws: AgentSocket,
    public user: AuthenticatedUser,
    private readonly server: RealtimeServer,
  ) {
    ws.listen(this);
  }

  /** Names this socket in presence lists; made when it first shows presence, not for every socket. */
  get id(): string {
    return (this.presenceId ??= newId('rtc'));
  }

  message(data: Buffer): void {
    void this.receive(data);
  }

  pong(): void {}

  closed(): void {
    this.server.release(this);
  }

  /** Events are buffered until the starting point is known, then replayed, then live. */
  async start(since: Since): Promise<void> {
    this.visible = await this.server.visibleInboxes(this.user);
    const current = await this.server.deps.feed.lastSeqs();
    for (const key of STREAM_KEYS) this.lastSent[key] = since[key] ?? current[key];
    this.send({ type: 'hello', user: { id: this.user.id, name: this.user.name }, inboxIds: [...this.visible], seq: { ...this.lastSent }, resumed: Object.keys(since).length > 0 });
    for (const key of STREAM_KEYS) {
      if (since[key] === undefined) continue;
      const replay = await this.server.deps.feed.replay(key, this.user.accountId, since[key]!);
      if ('tooOld' in replay) {
        this.enqueueFrame(() => {
          this.lastSent[key] = Math.max(this.lastSent[key], replay.lastSeq);
          return { type: 'resync', stream: key, seq: replay.lastSeq, message: 'too much was missed to replay; refetch and continue from seq' };
        });
      } else {
        for (const event of replay.events) if (this.matches(event)) this.enqueue(event);
      }
    }
    for (const event of this.buffer ?? []) this.enqueue(event);
    this.buffer = null;
    this.live = true;
  }

  /** The session ended: nothing more is sent, and the client is told why. */
  revoke(): void {
    this.live = false;
    this.buffer = null;
    this.ws.close(CLOSE_REVOKED, 'session revoked');
  }

  /** The user changed (role, memberships): what this socket may see is read again. */
  refreshAccess(user: AuthenticatedUser, visible: Set<string>): void {
    this.user = user;
    this.visible = visible;
  }

  canSee(inboxId: string): boolean {
    return this.visible.has(inboxId) && (!this.subscribed || this.subscribed.has(inboxId));
  }

  /** Whether the event is for this socket and it is live (the caller delivers it); one before that is kept for after the replay. */
  offer(event: FeedEvent): boolean {
    if (!this.matches(event)) return false;
    if (this.live) return true;
    this.buffer?.push(event);
    return false;
  }

  /** A live event's frame, in the account's event order. */
  deliver(event: FeedEvent, frame: Buffer): void {
    if (this.queued > 0) return this.enqueue(event);
    this.write(event, frame);
  }

  /** An event this socket should have had could not be rendered. */
  missed(): void {
    // Without it the client's view is wrong: close, so it resumes from its last seq.
    this.ws.close(CLOSE_INTERNAL_ERROR, 'resume from your last seq');
  }

  send(frame: Record<string, unknown>): void {
    this.sendFrame(jsonFrame(frame));
  }

  private write(event: FeedEvent, frame: Buffer): void {
    if (event.seq <= this.lastSent[event.stream]) return;
    this.lastSent[event.stream] = event.seq;
    this.sendFrame(frame);
    if (event.inboxId && changesViewCounts(event)) this.server.viewCountsChanged(this.user.accountId, event.inboxId);
  }

  private sendFrame(frame: Buffer): void {
    if (this.ws.state !== SocketState.Open) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      // A client this far behind reconnects with its last seq and gets the rest by replay.
      this.ws.close(4008, 'too slow');
      return;
    }
    this.ws.write(frame);
  }

  get showsPresence(): boolean {
    return (this.present?.size ?? 0) > 0;
  }

  async refreshPresence(): Promise<void> {
    for (const [conversationId, p] of this.present ?? []) {
      await this.server.deps.presence
        .set({ accountId: this.user.accountId, inboxId: p.inboxId, conversationId }, { connectionId: this.id, userId: this.user.id, name: this.user.name, activity: p.activity })
        .catch(() => undefined);
    }
  }

  async leaveAll(): Promise<void> {
    this.unwatchWallboard?.();
    this.unwatchWallboard = undefined;
    const present = [...(this.present?.entries() ?? [])];
    this.present?.clear();
    for (const [conversationId, p] of present) {
      await this.server.deps.presence.clear({ accountId: this.user.accountId, inboxId: p.inboxId, conversationId }, this.id).catch(() => undefined);
    }
  }

  private matches(event: FeedEvent): boolean {
    if (event.userId) return event.userId === this.user.id;
    if (event.inboxId) return this.canSee(event.inboxId);
    return true;
  }

  private enqueue(event: FeedEvent): void {
    this.queued += 1;
    this.chain = this.chain
      .then(async () => {
        if (event.seq <= this.lastSent[event.stream]) return;
        this.write(event, await this.server.encode(event, this.user));
      })
      .catch((error: unknown) => {
        this.server.deps.logger.warn({ error: errorMessage(error), seq: event.seq }, 'realtime event could not be rendered');
        this.missed();
      })
      .finally(() => (this.queued -= 1));
  }

  private enqueueFrame(frame: () => Record<string, unknown>): void {
    this.queued += 1;
    this.chain = this.chain.then(() => this.send(frame())).finally(() => (this.queued -= 1));
  }

  viewCountsChanged(inboxId: string): void {
    if (this.live && this.canSee(inboxId)) this.sendFrame(viewsChangedFrame(inboxId));
  }

  private async receive(data: Buffer): Promise<void> {
    const frame = parseFrame(data);
    if (!frame) return this.send({ type: 'error', code: 'invalid_json', message: 'frames are JSON objects' });
    try {
      switch (frame.type) {
        case 'ping':
          return this.send({ type: 'pong' });
        case 'subscribe':
          return this.subscribe(frame.inboxIds);
        case 'presence':
          return await this.presence(frame.conversationId, frame.activity);
        case 'wallboard.watch':
          return await this.watchWallboard();
        case 'wallboard.unwatch':
          this.unwatchWallboard?.();
          this.unwatchWallboard = undefined;
          return;
        case 'auth':
          return this.send({ type: 'error', code: 'already_authenticated', message: 'this connection is authenticated' });
        default:
          return this.send({ type: 'error', code: 'unknown_frame', message: 'frame types: ping, subscribe, presence, wallboard.watch, wallboard.unwatch' });
      }
    } catch (error) {
      this.server.deps.logger.warn({ error: errorMessage(error) }, 'realtime frame failed');
      this.send({ type: 'error', code: 'unavailable', message: 'try again shortly' });
    }
  }

  private async watchWallboard(): Promise<void> {
    if (this.user.role !== 'admin' && this.user.role !== 'superadmin') {
      return this.send({ type: 'error', code: 'forbidden', message: 'the wallboard is for admins' });
    }
    // Watching again is asking for the board now.
    this.unwatchWallboard?.();
    this.unwatchWallboard = undefined;
    const unwatch = await this.server.deps.wallboards.watch(this.user, (frame) => this.send(frame));
    if (this.ws.state === SocketState.Open && !this.unwatchWallboard) this.unwatchWallboard = unwatch;
    else unwatch();
  }

  private subscribe(inboxIds: unknown): void {
    if (!Array.isArray(inboxIds) || inboxIds.length > 500 || !inboxIds.every((id) => typeof id === 'string' && id.length <= 100)) {
      return this.send({ type: 'error', code: 'invalid_subscribe', message: 'inboxIds must be a list of inbox ids' });
    }
    const refused = inboxIds.filter((id) => !this.visible.has(id));
    this.subscribed = new Set(inboxIds.filter((id) => this.visible.has(id)));
    if (refused.length > 0) this.send({ type: 'error', code: 'not_a_member', message: 'not a member of these inboxes; they send nothing', details: { inboxIds: refused } });
    this.send({ type: 'subscribed', inboxIds: [...this.subscribed] });
  }

  private async presence(conversationId: unknown, activity: unknown): Promise<void> {
    if (typeof conversationId !== 'string' || conversationId.length > 100 || !['viewing', 'typing', 'left'].includes(activity as string)) {
      return this.send({ type: 'error', code: 'invalid_presence', message: 'presence needs conversationId and activity viewing, typing or left' });
    }
    const change = { accountId: this.user.accountId, conversationId, inboxId: this.present?.get(conversationId)?.inboxId ?? '' };
    if (activity === 'left') {
      if (!this.present?.delete(conversationId)) return;
      return this.server.deps.presence.clear(change, this.id);
    }
    if (!change.inboxId) {
      const summary = await this.server.summary(this.user, conversationId);
      if (!summary || !this.visible.has(summary.inboxId)) return this.send({ type: 'error', code: 'conversation_not_found', message: 'no such conversation' });
      change.inboxId = summary.inboxId;
    }
    (this.present ??= new Map()).set(conversationId, { inboxId: change.inboxId, activity: activity as Activity });
    await this.server.deps.presence.set(change, { connectionId: this.id, userId: this.user.id, name: this.user.name, activity: activity as Activity });
  }
}

function parseFrame(data: Buffer): Record<string, any> | undefined {
  try {
    const parsed = JSON.parse(data.toString());
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function sameUser(a: AuthenticatedUser, b: AuthenticatedUser): boolean {
  return a.id === b.id && a.accountId === b.accountId && a.sessionId === b.sessionId && a.role === b.role && a.name === b.name && a.email === b.email;
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
