// The live channel: one WebSocket to /api/v1/realtime per tab. It reconnects with backoff and
// resumes from the last sequence it saw, so a blip loses nothing; listeners get every frame.
import { useEffect, useRef, useState } from 'react';
import { api, endSession, session } from './api';

export type RealtimeFrame = { type: string; [key: string]: any };
type Listener = (frame: RealtimeFrame) => void;

class RealtimeChannel {
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly seq: Record<string, number> = {};
  private retry = 0;
  private closed = false;
  private readonly outbox: RealtimeFrame[] = [];

  private connecting = false;
  private live = false;
  private readonly liveListeners = new Set<(live: boolean) => void>();

  /** Whether the socket is connected and greeted; changes are announced to onLive listeners. */
  get isLive(): boolean {
    return this.live;
  }

  onLive(listener: (live: boolean) => void): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    for (const listener of this.liveListeners) listener(live);
  }

  open(): void {
    this.closed = false;
    if (this.ws || this.connecting || !session.token) return;
    this.connecting = true;
    // The token stays in the Authorization header; the socket gets a single-use ticket for its URL.
    api('POST', '/realtime/tickets')
      .then(({ ticket }) => this.connect(ticket))
      .catch(() => this.scheduleRetry())
      .finally(() => (this.connecting = false));
  }

  private scheduleRetry(): void {
    if (this.closed || !session.token) return;
    const delay = Math.min(10_000, 500 * 2 ** this.retry++);
    setTimeout(() => this.open(), delay);
  }

  private connect(ticket: string): void {
    if (this.closed || this.ws) return;
    const since = Object.entries(this.seq).map(([k, v]) => `${k}:${v}`).join(',');
    const url = new URL('/api/v1/realtime', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket);
    if (since) url.searchParams.set('since', since);
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (message) => {
      const frame = JSON.parse(message.data as string) as RealtimeFrame;
      if (frame.type === 'hello') {
        this.retry = 0;
        this.setLive(true);
        for (const [k, v] of Object.entries(frame.seq as Record<string, number>)) this.seq[k] = v;
        for (const pending of this.outbox.splice(0)) ws.send(JSON.stringify(pending));
      }
      if (frame.stream && typeof frame.seq === 'number') this.seq[frame.stream] = Math.max(this.seq[frame.stream] ?? 0, frame.seq);
      for (const listener of this.listeners) listener(frame);
    };
    ws.onclose = (event) => {
      this.ws = null;
      this.setLive(false);
      if (this.closed) return;
      // 4401: the session was revoked (logout elsewhere, password change, deactivation); sign in again.
      if (event.code === 4401) {
        endSession();
        return;
      }
      this.scheduleRetry();
    };
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
    this.ws = null;
  }

  send(frame: RealtimeFrame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
    else if (frame.type === 'presence') this.outbox.push(frame);
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const realtime = new RealtimeChannel();

/** Calls `onFrame` for every frame while the component is mounted. */
export function useRealtime(onFrame: Listener): void {
  const latest = useRef(onFrame);
  latest.current = onFrame;
  useEffect(() => realtime.listen((frame) => latest.current(frame)), []);
}

/**
 * False while the browser is offline, or the live channel has been down for longer than a blip
 * (a reconnect within a few seconds shows nothing).
 */
export function useOnline(graceMs = 4000): boolean {
  const [browserOnline, setBrowserOnline] = useState(() => navigator.onLine);
  const [channelDown, setChannelDown] = useState(false);
  useEffect(() => {
    const update = () => setBrowserOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watch = (live: boolean) => {
      clearTimeout(timer);
      if (live) setChannelDown(false);
      else timer = setTimeout(() => setChannelDown(true), graceMs);
    };
    const stop = realtime.onLive(watch);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
      clearTimeout(timer);
      stop();
    };
  }, [graceMs]);
  return browserOnline && !channelDown;
}
