// The accept path's own ceiling: raw email POSTed to ingest at rising concurrency while the
// conversation service (the only consumer of accepted mail) is stopped, so ingest, NATS and the
// load generator have the machine to themselves. It restarts the conversation service at the
// end, which then works through the backlog. Writes bench-results/accept-ceiling.json.
//   npx tsx tests/bench/accept-ceiling.ts      (against `npm run up`)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, atConcurrency, benchAccount, cpuSince, cpuSnapshot, postEmail, seconds, writeResult } from './harness';
import { closePipelineWatch, drain } from './pipeline';

const services = (...args: string[]) => execFileSync('bash', [path.join(ROOT, 'scripts/services.sh'), ...args], { stdio: 'inherit' });

async function main(): Promise<void> {
  const account = await benchAccount('ceiling');
  // Ingest caches the channel's address for a minute: one message first, so the run needs no lookup.
  await postEmail(account.address, 'Ceiling warm-up');
  // A backlog still being worked through (an earlier run's, say) would share the cores.
  await drain();
  const levels: Record<string, unknown>[] = [];
  services('stop', 'conversation');
  try {
    for (const concurrency of [4, 16, 64]) {
      const start = cpuSnapshot();
      const result = await atConcurrency(concurrency, seconds(8), (i) => postEmail(account.address, `Ceiling ${concurrency}-${i}`));
      levels.push({ concurrency, ...result, cpu: cpuSince(start, result.ok) });
      process.stdout.write(`@${concurrency}: ${result.throughputPerSecond} msg/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms\n`);
    }
  } finally {
    services('start');
    process.stdout.write('working through the backlog…\n');
    await drain();
    await closePipelineWatch();
  }
  writeResult('accept-ceiling', { workload: 'raw email POST /ingest/v1/email at 4, 16, 64 concurrent senders, 8 s each, with no consumer downstream', levels });
}

main().catch((error: unknown) => {
  process.stderr.write(`accept ceiling failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
