// Every open socket, pinged once per period; one that has not answered the ping before is cut.
// The sockets are spread over the period's ticks and each tick pings its share: pinging 10,000
// sockets at once held the event loop for about 200 ms every 10 s (and brought 10,000 pongs back
// at once), and an event fanned out behind that burst reached its last socket that much later.

export interface Pingable {
  /** Cleared by each ping, set again by the client's pong. */
  alive: boolean;
  ping(): void;
  terminate(): void;
}

export class SocketHeartbeat<S extends Pingable> implements Iterable<S> {
  private readonly slices: Set<S>[];
  private readonly sliceOf = new Map<S, number>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    periodMs: number,
    private readonly tickMs: number,
  ) {
    this.slices = Array.from({ length: Math.max(1, Math.round(periodMs / tickMs)) }, () => new Set<S>());
  }

  get size(): number {
    return this.sliceOf.size;
  }

  /** Joins the emptiest slice, so each tick pings about the same number of sockets. */
  add(socket: S): void {
    if (this.sliceOf.has(socket)) return;
    let emptiest = 0;
    for (let i = 1; i < this.slices.length; i += 1) if (this.slices[i].size < this.slices[emptiest].size) emptiest = i;
    this.slices[emptiest].add(socket);
    this.sliceOf.set(socket, emptiest);
  }

  delete(socket: S): void {
    const slice = this.sliceOf.get(socket);
    if (slice === undefined) return;
    this.slices[slice].delete(socket);
    this.sliceOf.delete(socket);
  }

  [Symbol.iterator](): Iterator<S> {
    return this.sliceOf.keys();
  }

  /** One tick: the next slice's sockets are pinged, or cut if the last ping went unanswered. */
  tick(): void {
    const slice = this.slices[this.next];
    this.next = (this.next + 1) % this.slices.length;
    for (const socket of slice) {
      if (!socket.alive) {
        this.delete(socket);
        socket.terminate();
        continue;
      }
      socket.alive = false;
      socket.ping();
    }
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
