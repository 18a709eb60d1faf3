import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// An idle process that has made its metrics: how many times a second its main thread wakes.
const IDLE_WAKE_UPS = `
  const { readFileSync } = require('node:fs');
  const { createMetrics } = require(${JSON.stringify(path.join(__dirname, 'metrics.ts'))});
  const switches = () => Number(/voluntary_ctxt_switches:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  createMetrics('idle-test');
  setTimeout(() => {
    const before = switches();
    setTimeout(() => process.stdout.write(String((switches() - before) / 2)), 2000);
  }, 500);
`;

describe('the metrics of a service', () => {
  it('let an idle process sleep: the event-loop delay is sampled ten times a second, not a hundred', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', IDLE_WAKE_UPS], { timeout: 30_000 });
    const wakeUpsPerSecond = Number(stdout);
    expect(wakeUpsPerSecond).toBeGreaterThan(0);
    expect(wakeUpsPerSecond).toBeLessThan(40);
  }, 40_000);
});
