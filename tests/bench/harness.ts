// Shared pieces of the benchmarks: latency recording and percentiles, load at a fixed rate or a
// fixed concurrency (each bounded in time), the machine's facts, and one JSON file per scenario.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const ROOT = path.resolve(__dirname, '../..');
export const RESULTS_DIR = path.join(ROOT, 'bench-results');
export const GATEWAY = process.env.BENCH_GATEWAY_URL ?? 'http://127.0.0.1:8080';
export const INGEST = process.env.BENCH_INGEST_URL ?? 'http://127.0.0.1:8081';
/** Scales every duration (1 = the documented durations). */
export const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? '1');
const SERVICES = ['conversation', 'routing', 'search', 'notification', 'ingest', 'gateway'];
export const seconds = (s: number) => Math.max(1, Math.round(s * TIME_SCALE)) * 1000;

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

export interface LoadResult {
  durationMs: number;
  ok: number;
  errors: number;
  throughputPerSecond: number;
  latencyMs: LatencySummary;
  firstError?: string;
}

/** `concurrency` workers call `task` back to back for `durationMs`. */
export async function atConcurrency(concurrency: number, durationMs: number, task: (i: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        try {
          await task(i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors += 1;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  const durationMs2 = performance.now() - start;
  return { durationMs: Math.round(durationMs2), ok: latencies.length, errors, throughputPerSecond: Math.round((latencies.length / durationMs2) * 1000), latencyMs: summarize(latencies), firstError };
}

/**
 * Whether per-round costs have settled: each of the last `rounds` within `tolerance` of the round
 * before it.
 */
export function settled(costs: number[], tolerance = 0.1, rounds = 3): boolean {
  if (costs.length < rounds + 1) return false;
  const tail = costs.slice(-(rounds + 1));
  return tail.every((cost, i) => i === 0 || Math.abs(cost - tail[i - 1]) <= tolerance * tail[i - 1]);
}

/**
 * Runs `round` (one round of load, answering its cost per unit of work) until the costs have
 * settled or `maxMs` has passed: a freshly started process compiles its hot path for the first
 * minutes, and a cell measured then charges the compiler to each request.
 */
export async function warmUntilSettled(round: () => Promise<number>, maxMs: number, now: () => number = () => performance.now()) {
  const costs: number[] = [];
  const start = now();
  while (!settled(costs) && now() - start < maxMs) costs.push(await round());
  return { ms: Math.round(now() - start), costs, settled: settled(costs) };
}

/**
 * Starts `task` `rate` times a second for `durationMs` (open loop: slow answers do not slow the
 * offered rate). Starts that would exceed `maxInFlight` are not made and counted as dropped, so
 * an overloaded system cannot stretch the run beyond its time bound.
 */
export async function atRate(rate: number, durationMs: number, task: (i: number) => Promise<void>, maxInFlight = Math.max(50, rate * 2)): Promise<LoadResult & { dropped: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let dropped = 0;
  let active = 0;
  let firstError: string | undefined;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round((rate * durationMs) / 1000);
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (active >= maxInFlight) {
      dropped += 1;
      continue;
    }
    const t0 = performance.now();
    active += 1;
    inFlight.push(
      task(i).then(
        () => void latencies.push(performance.now() - t0),
        (error: Error) => {
          errors += 1;
          firstError ??= error.message;
        },
      ).finally(() => (active -= 1)),
    );
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - start;
  return { durationMs: Math.round(elapsed), ok: latencies.length, errors, dropped, throughputPerSecond: Math.round((latencies.length / elapsed) * 1000), latencyMs: summarize(latencies), firstError };
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

export function writeResult(name: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ scenario: name, at: new Date().toISOString(), machine: machine(), ...result }, null, 2)}\n`);
  return file;
}

/** Resident memory (MB) of each service started by scripts/services.sh. */
export function serviceMemory(): Record<string, number | null> {
  const runDir = path.join(process.env.STACK_DIR ?? path.join(ROOT, '.stack'), 'run');
  const out: Record<string, number | null> = {};
  for (const name of SERVICES) out[name] = residentMb(path.join(runDir, `${name}.pid`));
  // A second process of a service (GATEWAY_PROCESSES=2, or the cluster), when one runs.
  for (const name of SERVICES) {
    const second = residentMb(path.join(runDir, `${name}-2.pid`));
    if (second !== null) out[`${name}-2`] = second;
  }
  return out;
}

function residentMb(pidFile: string): number | null {
  try {
    const status = readFileSync(`/proc/${readFileSync(pidFile, 'utf8').trim()}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  } catch {
    return null;
  }
}

/**
 * Memory (MB) of the servers the stack runs on (PostgreSQL, NATS, Redis, OpenSearch) as their
 * proportional set size: PostgreSQL's backends share its buffers, which resident sizes would
 * count once per backend.
 */
export function serverMemory(): Record<string, number> {
  const kb: Record<string, number> = {};
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const component = componentOf(pid, stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), new Map());
      if (!component || component === 'bench client') continue;
      const pss = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kb[component] = (kb[component] ?? 0) + Number(pss?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return Object.fromEntries(Object.entries(kb).map(([component, total]) => [component, Math.round(total / 1024)]));
}

/** How many processes of a service scripts/services.sh runs (1, or 2 with a second one). */
export function processCount(service: string): number {
  return Object.keys(serviceMemory()).filter((name) => name === service || name === `${service}-2`).length;
}

export function rawEmail(from: string, to: string, subject: string, text: string): string {
  const id = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}@bench.example`;
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Date: ${new Date().toUTCString()}`, `Message-ID: <${id}>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n');
}

export async function postEmail(to: string, subject: string, text = 'Benchmark message body with a few words to index.'): Promise<void> {
  const sender = `b${Math.random().toString(36).slice(2, 10)}@bench.example`;
  const response = await request('POST', `${INGEST}/ingest/v1/email?to=${encodeURIComponent(to)}`, { 'content-type': 'message/rfc822' }, Buffer.from(rawEmail(sender, to, subject, text)));
  if (response.status !== 202) throw new Error(`ingest ${response.status}`);
}

export async function api<T = any>(method: string, pathname: string, token?: string, body?: unknown): Promise<T> {
  const response = await request(
    method,
    `${GATEWAY}/api/v1${pathname}`,
    { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  );
  const text = response.body.toString('utf8');
  if (response.status < 200 || response.status >= 300) throw new Error(`${method} ${pathname}: ${response.status} ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

// The load generator shares the two cores with the stack, so its own cost per request is part of
// every latency it reports. fetch spent 0.4-0.6 ms of CPU per request and node:http on kept-alive
// connections 0.15-0.25 ms (25 gzipped list items, 50 clients), so requests go through node:http.
// Answers are asked for gzipped and unzipped, as a browser does.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function request(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      url,
      { method, agent, headers: { 'accept-encoding': 'gzip', ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            const raw = Buffer.concat(chunks);
            resolve({ status: response.statusCode ?? 0, body: response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The WebSocket URL for a token: a single-use ticket from the gateway, never the token itself. */
export async function realtimeUrl(token: string): Promise<string> {
  const { ticket } = await api<{ ticket: string }>('POST', '/realtime/tickets', token);
  return `${GATEWAY.replace(/^http/, 'ws')}/api/v1/realtime?ticket=${ticket}`;
}

export const GATEWAY_OPS = process.env.GATEWAY_OPS_URL ?? `http://127.0.0.1:${process.env.GATEWAY_OPS_PORT ?? 9106}`;

export interface BenchAccount {
  token: string;
  accountId: string;
  userId: string;
  inboxId: string;
  address: string;
}

export async function benchAccount(label: string): Promise<BenchAccount> {
  const email = `bench-${label}-${Date.now().toString(36)}@bench.example`;
  const signup = await api<{ token: string; account: { id: string }; user: { id: string } }>('POST', '/accounts', undefined, {
    accountName: `Bench ${label}`,
    name: 'Bench Owner',
    email,
    password: 'bench password 2026',
  });
  const inbox = await api<{ id: string }>('POST', '/inboxes', signup.token, { name: `Bench ${label}` });
  const channel = await api<{ address: string }>('POST', `/inboxes/${inbox.id}/channels`, signup.token, { type: 'email', name: 'Bench mail' });
  return { token: signup.token, accountId: signup.account.id, userId: signup.user.id, inboxId: inbox.id, address: channel.address };
}

/**
 * Agents of the account who are members of its inbox, signed in: what the realtime scenario
 * spreads its sockets over, at most the gateway's per-user cap (20 by default) each, so it
 * measures the gateway as deployed.
 */
export async function benchAgents(account: BenchAccount, count: number): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const i = next++;
        const email = `agent-${i}-${account.accountId.slice(-8)}@bench.example`;
        const password = 'bench password 2026';
        const agent = await api<{ id: string }>('POST', '/users', account.token, { name: `Agent ${i}`, email, password, role: 'agent' });
        await api('POST', `/inboxes/${account.inboxId}/members`, account.token, { userId: agent.id });
        tokens.push((await api<{ token: string }>('POST', '/auth/login', undefined, { email, password })).token);
      }
    }),
  );
  return tokens;
}

export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<number> {
  const start = performance.now();
  while (!(await probe())) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return performance.now() - start;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** One process's CPU (ms): its own, and what its exited children used once it reaped them. */
export interface ProcessCpu {
  component: string;
  parent: string;
  own: number;
  children: number;
}

export interface CpuSnapshot {
  at: number;
  /** CPU time (ms, user + system) of each live process of a component, so a window counts only what each process used in it. */
  byPid: Map<string, ProcessCpu>;
  /** Machine-wide jiffies from /proc/stat: busy, idle (incl. iowait) and stolen by the hypervisor. */
  machine: { busy: number; idle: number; steal: number };
}

function componentOf(pid: string, comm: string, servicePids: Map<string, string>): string | null {
  const service = servicePids.get(pid);
  if (service) return service;
  if (comm === 'postgres') return 'postgres';
  if (comm === 'nats-server') return 'nats';
  if (comm === 'redis-server') return 'redis';
  if (comm === 'java') return 'opensearch';
  if (pid === String(process.pid)) return 'bench client';
  return null;
}

/**
 * CPU used so far by each part of the stack (the six services, PostgreSQL, NATS, Redis,
 * OpenSearch, and this load generator), read from /proc. Two snapshots bracket a scenario, so
 * every figure comes with where the machine's two cores went while it was measured.
 */
export function cpuSnapshot(): CpuSnapshot {
  const runDir = path.join(process.env.STACK_DIR ?? path.join(ROOT, '.stack'), 'run');
  const servicePids = new Map<string, string>();
  // A service's second process counts as the service.
  for (const name of SERVICES) {
    for (const file of [`${name}.pid`, `${name}-2.pid`]) {
      try {
        servicePids.set(readFileSync(path.join(runDir, file), 'utf8').trim(), name);
      } catch {
        // A service that is not running uses no CPU.
      }
    }
  }
  const byPid = new Map<string, ProcessCpu>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const component = componentOf(pid, comm, servicePids);
      if (!component) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // ppid is field 4 of /proc/<pid>/stat; utime, stime, cutime and cstime are fields 14-17.
      // Fields here start at field 3. The children's share is what exited PostgreSQL backends used
      // (the postmaster reaps them), which would otherwise vanish with their processes.
      const ms = (from: number) => ((Number(fields[from]) + Number(fields[from + 1])) * 1000) / CLOCK_TICKS_PER_SECOND;
      byPid.set(pid, { component, parent: fields[1], own: ms(11), children: ms(13) });
    } catch {
      // The process ended between listing and reading.
    }
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu;
  return { at: performance.now(), byPid, machine: { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal } };
}

export interface CpuUse {
  wallMs: number;
  /** Share of the machine's cores that were busy, idle, or taken by the hypervisor. */
  machinePercent: { busy: number; idle: number; steal: number };
  /** CPU ms each component used, and the share of all component CPU it was. */
  byComponentMs: Record<string, number>;
  sharePercent: Record<string, number>;
  /** CPU ms per unit of work (per message, per request), when the scenario says what a unit is. */
  perUnitMs?: Record<string, number>;
}

/**
 * CPU ms each component used between two snapshots. Per process: one started during the window (a
 * new PostgreSQL backend) counts from zero. One that ended during it counts through its parent's
 * reaped-children time, which holds its whole life, so what it had used before the window is taken
 * off again (a pool closed just before a scenario once showed as 10 ms of PostgreSQL per message).
 */
export function cpuUsedBetween(start: CpuSnapshot, end: CpuSnapshot): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [pid, now] of end.byPid) {
    const before = start.byPid.get(pid);
    const same = before?.component === now.component;
    used[now.component] = (used[now.component] ?? 0) + Math.max(0, now.own - (same ? before.own : 0)) + Math.max(0, now.children - (same ? before.children : 0));
  }
  for (const [pid, before] of start.byPid) {
    const parent = end.byPid.get(before.parent);
    if (end.byPid.has(pid) || !parent) continue;
    used[parent.component] = Math.max(0, (used[parent.component] ?? 0) - before.own - before.children);
  }
  return used;
}

export function cpuSince(start: CpuSnapshot, units?: number): CpuUse {
  const end = cpuSnapshot();
  const used = cpuUsedBetween(start, end);
  const byComponentMs: Record<string, number> = {};
  for (const [name, ms] of Object.entries(used)) if (ms > 0) byComponentMs[name] = Math.round(ms);
  const total = Object.values(byComponentMs).reduce((a, b) => a + b, 0) || 1;
  const sharePercent = Object.fromEntries(Object.entries(byComponentMs).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / total) * 1000) / 10]));
  const jiffies = (k: keyof CpuSnapshot['machine']) => end.machine[k] - start.machine[k];
  const all = jiffies('busy') + jiffies('idle') + jiffies('steal') || 1;
  const pct = (n: number) => Math.round((n / all) * 1000) / 10;
  const result: CpuUse = {
    wallMs: Math.round(end.at - start.at),
    machinePercent: { busy: pct(jiffies('busy')), idle: pct(jiffies('idle')), steal: pct(jiffies('steal')) },
    byComponentMs,
    sharePercent,
  };
  if (units && units > 0) result.perUnitMs = Object.fromEntries(Object.entries(byComponentMs).map(([k, v]) => [k, Math.round((v / units) * 100) / 100]));
  return result;
}
