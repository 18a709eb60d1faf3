// A suite whose fixture fails to start must leave nothing open: a listening SMTP sink in the test
// process holds jest after the last test (stop 37's CI ran out its time limit that way after one
// cluster suite failed to boot), and a running service takes later suites' messages.
import { execFileSync } from 'node:child_process';
import { waitFor } from '@inbox/testkit';
import { startInboxFixture } from '../support/inbox-fixture';

// Counted, not listed: with --runInBand other suites share this process, and what they left open is no concern here.
const open = () => {
  const resources = process.getActiveResourcesInfo();
  return { servers: resources.filter((r) => r === 'TCPServerWrap').length, processes: resources.filter((r) => r === 'ProcessWrap').length };
};
const runningServices = () =>
  execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /services\/\w+\/dist\/main\.js/.test(line));

describe('an inbox fixture that fails to start', () => {
  it('rejects with the service error, stops the services it started and leaves no server listening', async () => {
    const before = { ...open(), services: runningServices() };
    // The gateway starts last, after conversation and ingest are up: its bad setting fails the fixture there.
    const started = startInboxFixture({}, [], { gateway: { GATEWAY_SIGNUP_ENABLED: 'perhaps' } });
    const seen = new Set<string>();
    const watching = setInterval(() => runningServices().forEach((line) => seen.add(/services\/(\w+)\//.exec(line)![1])), 50);
    await expect(started).rejects.toThrow(/gateway exited/);
    clearInterval(watching);
    expect([...seen].sort()).toEqual(expect.arrayContaining(['conversation', 'ingest']));
    expect(runningServices().filter((line) => !before.services.includes(line))).toEqual([]);
    // The exited gateway's pipes and the sink's listener close within moments, not at a timeout.
    let now = open();
    await waitFor(
      'every handle the fixture opened closed',
      async () => {
        now = open();
        return now.servers <= before.servers && now.processes <= before.processes;
      },
      3000,
      50,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: before ${JSON.stringify(before)}, now ${JSON.stringify(now)}, open ${JSON.stringify(process.getActiveResourcesInfo())}`);
    });
  });
});
