// Readiness names the dependency that is down: each real server of the stack is stopped in
// turn (scripts/stack.sh stop NAME), every service that depends on it must answer 503 naming it
// while the others stay ready, and all must be ready again once it is back. The gateway stays
// ready with Redis or NATS down, reporting itself degraded: every gateway shares them, and a blip
// must not take them all out of the Ingress.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/service-process';
import { startInboxStack, type InboxStack } from '../support/inbox-stack';
import { DEGRADED_ONLY, DEPENDENCIES, SERVICE_NAMES, type LaunchedService, type ServiceName } from '../support/services';
import { waitFor } from '@inbox/testkit';

const stack = (...args: string[]) => execFileSync('bash', [path.join(ROOT, 'scripts', 'stack.sh'), ...args], { stdio: 'pipe', timeout: 240_000 });

type Readiness = { status: number; failing: string[]; degraded: string[] };

async function readinessBody(service: LaunchedService): Promise<{ status: number; body: { failing: string[]; degraded: string[] } }> {
  const response = await fetch(`${service.opsUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as { failing: string[]; degraded: string[] } };
}

async function readiness(service: LaunchedService): Promise<Readiness> {
  const { status, body } = await readinessBody(service);
  return { status, failing: body.failing, degraded: body.degraded };
}

describe('readiness when a dependency goes down and comes back', () => {
  const services = new Map<ServiceName, LaunchedService>();
  let inbox: InboxStack | undefined;

  beforeAll(async () => {
    // Wired to each other as in production: events an earlier suite left waiting must be
    // finishable, or the search indexer retries one batch for ever (it asks the conversation
    // service for the documents) and never pulls again after NATS returns.
    inbox = await startInboxStack(SERVICE_NAMES);
    for (const name of SERVICE_NAMES) services.set(name, inbox.services[name]!);
  });

  afterAll(async () => {
    await inbox?.stop();
  });

  it.each(['postgres', 'redis', 'nats', 'opensearch'])('%s down: dependents answer 503 naming it; back: all ready', async (dependency) => {
    const degraded = SERVICE_NAMES.filter((name) => DEGRADED_ONLY[name].includes(dependency));
    const dependents = SERVICE_NAMES.filter((name) => DEPENDENCIES[name].includes(dependency) && !degraded.includes(name));
    const others = SERVICE_NAMES.filter((name) => !dependents.includes(name) && !degraded.includes(name));
    expect(dependents.length).toBeGreaterThan(0);
    stack('stop', dependency);
    try {
      for (const name of dependents) {
        const report = await waitFor(`${name} to report ${dependency} down`, async () => {
          const r = await readiness(services.get(name)!);
          return r.status === 503 && r.failing.includes(dependency) ? r : undefined;
        });
        expect(report.failing).toEqual([dependency]);
      }
      for (const name of degraded) {
        const report = await waitFor(`${name} to report ${dependency} degraded`, async () => {
          const r = await readiness(services.get(name)!);
          return r.degraded.includes(dependency) ? r : undefined;
        });
        expect(report).toEqual({ status: 200, failing: [], degraded: [dependency] });
      }
      for (const name of others) {
        if (dependency === 'nats') continue; // every service depends on NATS
        expect(await readiness(services.get(name)!)).toEqual({ status: 200, failing: [], degraded: [] });
      }
      for (const name of SERVICE_NAMES) expect(services.get(name)!.process.running).toBe(true);
    } finally {
      stack('start', dependency);
    }
    for (const name of SERVICE_NAMES) {
      // A service that stays unready says why: its last readiness answer and its last log lines.
      let last = '';
      await waitFor(
        `${name} ready again after ${dependency} returned`,
        async () => {
          const { status, body } = await readinessBody(services.get(name)!);
          last = JSON.stringify(body);
          return status === 200;
        },
        60_000,
        250,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; its last readiness: ${last}; its last output: ${services.get(name)!.process.output.slice(-3000)}`);
      });
    }
  });
});
