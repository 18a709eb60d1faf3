import { availableParallelism } from 'node:os';
import { loopbackRoundTrips } from './baselines';

describe('the loopback round-trip baseline', () => {
  it('runs every round trip and reports the wall time and the CPU of both ends', async () => {
    const result = await loopbackRoundTrips('as scheduled', 2000);
    expect(result.roundTrips).toBe(2000);
    expect(result.wallUsPerRoundTrip).toBeGreaterThan(0);
    expect(result.cpuUsPerRoundTrip.ping).toBeGreaterThan(0);
    expect(result.cpuUsPerRoundTrip.echo).toBeGreaterThan(0);
  }, 60_000);

  it('pins both ends to one core, or to one core each', async () => {
    expect(availableParallelism()).toBeGreaterThanOrEqual(2);
    const together = await loopbackRoundTrips('one core', 500);
    expect(together.cores).toEqual({ ping: '0', echo: '0' });
    const apart = await loopbackRoundTrips('two cores', 500);
    expect(apart.cores).toEqual({ ping: '1', echo: '0' });
    expect(apart.cpuUsPerRoundTrip.echo).toBeGreaterThan(0);
  }, 60_000);
});
