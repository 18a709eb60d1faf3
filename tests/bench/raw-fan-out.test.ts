import { rawSocketFanOut } from './baselines';

describe('the raw fan-out baseline', () => {
  it('delivers every round to every socket and reports the CPU of both ends', async () => {
    const result = await rawSocketFanOut(40, 900, 3);
    expect(result.delivered).toBe(120);
    expect(result.expected).toBe(120);
    expect(result.commentToSocketMs.count).toBe(120);
    expect(result.firstToLastSocketMs.count).toBe(3);
    expect(result.cpuMsPer1000Frames.server).toBeGreaterThan(0);
    expect(result.cpuMsPer1000Frames.receiver).toBeGreaterThan(0);
  }, 30_000);
});
