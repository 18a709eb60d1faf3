import { SocketHeartbeat, type Pingable } from './socket-heartbeat';

class FakeSocket implements Pingable {
  alive = true;
  pings = 0;
  terminated = false;

  ping(): void {
    this.pings += 1;
  }

  terminate(): void {
    this.terminated = true;
  }
}

const sockets = (n: number) => Array.from({ length: n }, () => new FakeSocket());

describe('SocketHeartbeat', () => {
  it('pings every socket once per period, a tenth of them per tick', () => {
    const heartbeat = new SocketHeartbeat<FakeSocket>(1000, 100);
    const all = sockets(1000);
    for (const s of all) heartbeat.add(s);
    const pingedPerTick: number[] = [];
    for (let tick = 0; tick < 10; tick += 1) {
      const before = all.reduce((n, s) => n + s.pings, 0);
      heartbeat.tick();
      pingedPerTick.push(all.reduce((n, s) => n + s.pings, 0) - before);
      for (const s of all) s.alive = true;
    }
    expect(pingedPerTick).toEqual(Array(10).fill(100));
    expect(all.every((s) => s.pings === 1)).toBe(true);
    heartbeat.tick();
    expect(all.filter((s) => s.pings === 2)).toHaveLength(100);
  });

  it('cuts a socket a period after a ping it did not answer, and keeps the ones that answered', () => {
    const heartbeat = new SocketHeartbeat<FakeSocket>(400, 100);
    const all = sockets(8);
    for (const s of all) heartbeat.add(s);
    for (let tick = 0; tick < 4; tick += 1) heartbeat.tick();
    const [answered, silent] = [all.slice(0, 4), all.slice(4)];
    for (const s of answered) s.alive = true;
    for (let tick = 0; tick < 4; tick += 1) heartbeat.tick();
    expect(silent.every((s) => s.terminated && s.pings === 1)).toBe(true);
    expect(answered.every((s) => !s.terminated && s.pings === 2)).toBe(true);
    expect([...heartbeat]).toEqual(answered);
  });

  it('spreads sockets that come and go over the emptiest slices, and forgets a removed one', () => {
    const heartbeat = new SocketHeartbeat<FakeSocket>(1000, 100);
    const all = sockets(25);
    for (const s of all) heartbeat.add(s);
    for (const s of all.slice(0, 10)) heartbeat.delete(s);
    const late = sockets(5);
    for (const s of late) heartbeat.add(s);
    expect(heartbeat.size).toBe(20);
    const perTick: number[] = [];
    for (let tick = 0; tick < 10; tick += 1) {
      const before = [...all, ...late].reduce((n, s) => n + s.pings, 0);
      heartbeat.tick();
      perTick.push([...all, ...late].reduce((n, s) => n + s.pings, 0) - before);
    }
    expect(perTick.every((n) => n === 2)).toBe(true);
    expect(all.slice(0, 10).every((s) => s.pings === 0 && !s.terminated)).toBe(true);
  });

  it('ticks on its own once started, and not after it stops', async () => {
    const heartbeat = new SocketHeartbeat<FakeSocket>(40, 10);
    const [socket] = sockets(1);
    heartbeat.add(socket);
    heartbeat.start();
    for (let waited = 0; !socket.terminated && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    heartbeat.stop();
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toBe(1);
    const pings = socket.pings;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(socket.pings).toBe(pings);
  });
});
