import { cpuUsedBetween, settled, warmUntilSettled, type CpuSnapshot, type ProcessCpu } from './harness';

const snapshot = (processes: Record<string, Omit<ProcessCpu, 'children'> & { children?: number }>): CpuSnapshot => ({
  at: 0,
  byPid: new Map(Object.entries(processes).map(([pid, p]) => [pid, { children: 0, ...p }])),
  machine: { busy: 0, idle: 0, steal: 0 },
});

describe('the CPU a scenario used', () => {
  it('counts a backend that ended during the window by what it used in the window, not its whole life', () => {
    // A pool of the previous scenario closes as this one starts: backend 11 used 5 s before, 0.2 s after.
    const start = snapshot({
      '10': { component: 'postgres', parent: '1', own: 100 },
      '11': { component: 'postgres', parent: '10', own: 5_000 },
      '12': { component: 'postgres', parent: '10', own: 1_000 },
    });
    const end = snapshot({
      '10': { component: 'postgres', parent: '1', own: 110, children: 5_200 },
      '12': { component: 'postgres', parent: '10', own: 1_300 },
    });
    expect(cpuUsedBetween(start, end)).toEqual({ postgres: 10 + 200 + 300 });
  });

  it('counts whole a backend that started and ended inside the window, and a new one from zero', () => {
    const start = snapshot({ '10': { component: 'postgres', parent: '1', own: 100, children: 900 } });
    const end = snapshot({
      '10': { component: 'postgres', parent: '1', own: 100, children: 1_300 },
      '13': { component: 'postgres', parent: '10', own: 250 },
    });
    expect(cpuUsedBetween(start, end)).toEqual({ postgres: 400 + 250 });
  });

  it('keeps components apart, and a process that ended without a watched parent takes nothing away', () => {
    const start = snapshot({
      '20': { component: 'ingest', parent: '1', own: 3_000 },
      '21': { component: 'gateway', parent: '1', own: 7_000 },
      '30': { component: 'nats', parent: '1', own: 500 },
    });
    const end = snapshot({
      '20': { component: 'ingest', parent: '1', own: 3_450 },
      '30': { component: 'nats', parent: '1', own: 800 },
    });
    expect(cpuUsedBetween(start, end)).toEqual({ ingest: 450, nats: 300 });
  });
});

describe('a warm-up that waits for the cost per round to settle', () => {
  it('is not settled while the cost still falls by more than the tolerance, as a compiling JVM does', () => {
    expect(settled([12.5, 9.1, 7.2, 6.8], 0.1, 3)).toBe(false);
    expect(settled([12.5, 9.1], 0.1, 3)).toBe(false);
  });

  it('is settled once the last rounds each stay within the tolerance of the one before', () => {
    expect(settled([12.5, 9.1, 3.1, 3.0, 3.2, 3.1], 0.1, 3)).toBe(true);
    expect(settled([3.1, 3.0, 3.6], 0.1, 2)).toBe(false);
  });

  it('runs rounds until their costs settle and reports each', async () => {
    const costs = [12.5, 9.1, 3.1, 3.0, 3.2, 3.1, 3.0];
    let rounds = 0;
    const warm = await warmUntilSettled(async () => costs[rounds++], 60_000);
    expect(warm.costs).toEqual([12.5, 9.1, 3.1, 3.0, 3.2, 3.1]);
    expect(warm.settled).toBe(true);
  });

  it('stops unsettled when the time is up', async () => {
    let clock = 0;
    let rounds = 0;
    const warm = await warmUntilSettled(async () => {
      clock += 10_000;
      return ++rounds % 2 === 0 ? 2 : 4;
    }, 30_000, () => clock);
    expect(warm.costs).toEqual([4, 2, 4]);
    expect(warm.settled).toBe(false);
    expect(warm.ms).toBe(30_000);
  });
});
