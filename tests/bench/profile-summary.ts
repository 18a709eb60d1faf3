// Summarises V8 CPU profiles (.cpuprofile, from SERVICE_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR")
// by where the time went: idle, garbage collection, and self time per package or source file.
//   npx tsx tests/bench/profile-summary.ts DIR [top]
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A package name for node_modules code, the service-relative path for our own, or a V8 bucket. */
function bucketOf(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName ? `(${frame.functionName.replace(/[()]/g, '')})` : '(native)';
  const url = frame.url.replace(/^file:\/\//, '');
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const services = url.indexOf('/services/');
  return services >= 0 ? url.slice(services + 1) : url;
}

export function summarizeProfile(profile: Profile): { totalMs: number; buckets: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const bucket = bucketOf(byId.get(id)!.callFrame);
    totals.set(bucket, (totals.get(bucket) ?? 0) + ms);
  });
  return { totalMs, buckets: [...totals.entries()].sort((a, b) => b[1] - a[1]) };
}

function main(): void {
  const dir = process.argv[2];
  const top = Number(process.argv[3] ?? '15');
  if (!dir) throw new Error('usage: profile-summary.ts DIR [top]');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const { totalMs, buckets } = summarizeProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile);
    const idle = buckets.find(([b]) => b === '(idle)')?.[1] ?? 0;
    const busy = totalMs - idle;
    process.stdout.write(`${path.join(dir, file)}: ${(totalMs / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s on CPU\n`);
    for (const [bucket, ms] of buckets.filter(([b]) => b !== '(idle)').slice(0, top)) {
      process.stdout.write(`  ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${(ms / 1000).toFixed(2).padStart(7)} s  ${bucket}\n`);
    }
  }
}

main();
