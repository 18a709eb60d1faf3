// The raw speed of the parts, measured in the same run: JetStream publish with the storage
// settings our streams use, PostgreSQL inserts of a conversation-sized row (one transaction per
// row, and batched), OpenSearch bulk indexing and the query search runs, and a bare Node process
// writing one frame to thousands of sockets, and what one loopback round trip between two processes
// costs on one core and across two.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { DiscardPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Client } from '@opensearch-project/opensearch';
import pg from 'pg';
import { BlobStore, ensureDatabase } from '@inbox/lib';
import { closeFrameReceiver, openFrameReceiver } from './frame-receiver';
import { atConcurrency, seconds, summarize, waitUntil } from './harness';
import type { EndReport } from './loopback-round-trip.process';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/inbox_bench';
const OPENSEARCH_URL = process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200';

export async function jetStreamPublish(payloadBytes = 2048, concurrency = 64) {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete('BENCH_RAW').catch(() => undefined);
    await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, discard: DiscardPolicy.Old, max_msgs: 200_000 });
    const js = jetstream(nc);
    const payload = randomBytes(payloadBytes);
    const result = await atConcurrency(concurrency, seconds(8), async (i) => {
      await js.publish(`bench.raw.${i % 16}`, payload, { msgID: `raw-${i}-${Date.now()}` });
    });
    await jsm.streams.delete('BENCH_RAW');
    return { payloadBytes, concurrency, ...result };
  } finally {
    await nc.close();
  }
}

/** The blob store ingest writes every raw email to (a JetStream object store): put rate and latency. */
export async function objectStorePut(payloadBytes = 2048, concurrency = 16) {
  const nc = await connect({ servers: NATS_URL });
  try {
    const store = await BlobStore.open(nc);
    const result = await atConcurrency(concurrency, seconds(6), async () => {
      await store.put('raw', randomBytes(payloadBytes));
    });
    return { payloadBytes, concurrency, ...result };
  } finally {
    await nc.close();
  }
}

export async function postgresInserts() {
  await ensureDatabase(PG_URL);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 16 });
  try {
    await pool.query('DROP TABLE IF EXISTS bench_rows');
    await pool.query(`CREATE TABLE bench_rows (id text PRIMARY KEY, account_id text NOT NULL, subject text NOT NULL, body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query('CREATE INDEX ON bench_rows (account_id, created_at DESC, id DESC)');
    const body = 'x'.repeat(1500);
    const perRow = await atConcurrency(16, seconds(6), async (i) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO bench_rows (id, account_id, subject, body) VALUES ($1, $2, $3, $4)', [`r${i}-${Date.now()}`, 'acc', `subject ${i}`, body]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    const batch = 500;
    const batched = await atConcurrency(4, seconds(6), async (i) => {
      const ids = Array.from({ length: batch }, (_, k) => `b${i}-${k}-${Date.now()}`);
      await pool.query('INSERT INTO bench_rows (id, account_id, subject, body) SELECT id, $2, $3, $4 FROM unnest($1::text[]) AS id', [ids, 'acc', 'batched', body]);
    });
    await pool.query('DROP TABLE bench_rows');
    // The batched inserts leave about a gigabyte of WAL, enough to start a checkpoint: it is
    // written now rather than during the scenario measured next.
    await pool.query('CHECKPOINT');
    return {
      perRowTransactions: { rowsPerSecond: perRow.throughputPerSecond, ...perRow },
      batched: { batchSize: batch, rowsPerSecond: batched.throughputPerSecond * batch, ...batched },
    };
  } finally {
    await pool.end();
  }
}

export async function openSearchRaw(readAlias: string, search: Record<string, unknown>) {
  const client = new Client({ node: OPENSEARCH_URL });
  const index = `bench-raw-${Date.now()}`;
  try {
    await client.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } as never });
    const docs = 20_000;
    const perBulk = 1000;
    const start = performance.now();
    for (let i = 0; i < docs; i += perBulk) {
      const body = Array.from({ length: perBulk }, (_, k) => [
        { index: { _index: index, _id: `d${i + k}` } },
        { subject: `Order ${i + k} refund`, messages: ['Where is my parcel? The tracking code has not updated for a week.'], account_id: 'acc', last_message_at: new Date().toISOString() },
      ]).flat();
      await client.bulk({ body });
    }
    const bulkSeconds = (performance.now() - start) / 1000;
    // The API's own query body for the same words and filters, straight to OpenSearch: one client
    // for the floor, then the API scenario's 20 concurrent clients.
    const queryBody = { ...search, size: 26 };
    const once = async (took: number[]) => {
      const response = await client.search({ index: readAlias, body: queryBody as never });
      took.push((response.body as { took: number }).took);
    };
    const took1: number[] = [];
    const oneClient = await atConcurrency(1, seconds(5), () => once(took1));
    const took20: number[] = [];
    const twentyClients = await atConcurrency(20, seconds(10), () => once(took20));
    return {
      bulk: { documents: docs, perBulk, docsPerSecond: Math.round(docs / bulkSeconds) },
      query: { body: queryBody, oneClient: { ...oneClient, tookMs: summarize(took1) }, twentyClients: { ...twentyClients, tookMs: summarize(took20) } },
    };
  } finally {
    await client.indices.delete({ index }).catch(() => undefined);
    await client.close();
  }
}

/**
 * The same fan-out as the real-time scenario with nothing but Node and the kernel in it: a bare
 * process (raw-fan-out.server.ts) writes a frame of the gateway's size to as many sockets, received
 * by the same client, `rounds` times 250 ms apart.
 */
export async function rawSocketFanOut(sockets: number, payloadBytes: number, rounds = 20) {
  const server = fork(path.join(__dirname, 'raw-fan-out.server.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  // The server answers each message in turn: first its port, then the CPU of each round.
  const reply = async () => ((await once(server, 'message', { signal: AbortSignal.timeout(30_000) })) as [{ port?: number; cpuMs?: number }])[0];
  const clients: Socket[] = [];
  try {
    const { port } = await reply();
    const received = new Map<string, number[]>();
    const onComment = (id: string) => received.get(id)?.push(performance.now());
    for (let i = 0; i < sockets; i += 1) clients.push(await openFrameReceiver(`ws://127.0.0.1:${port}/raw`, onComment));
    const sentAt = new Map<string, number>();
    let serverCpuMs = 0;
    const receiverBefore = process.cpuUsage();
    for (let round = 0; round < rounds; round += 1) {
      const commentId = `raw-${round}`;
      received.set(commentId, []);
      sentAt.set(commentId, performance.now());
      server.send({ commentId, payloadBytes });
      serverCpuMs += (await reply()).cpuMs ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await waitUntil('every raw frame', async () => [...received.values()].every((l) => l.length >= sockets), 60_000, 50).catch(() => undefined);
    const receiver = process.cpuUsage(receiverBefore);
    const perRound = [...sentAt.entries()].map(([id, at]) => received.get(id)!.map((t) => t - at)).filter((l) => l.length > 0);
    const frames = perRound.reduce((n, l) => n + l.length, 0);
    return {
      sockets,
      payloadBytes,
      delivered: frames,
      expected: sockets * rounds,
      commentToSocketMs: summarize(perRound.flat()),
      firstToLastSocketMs: summarize(perRound.map((l) => l[l.length - 1] - l[0])),
      cpuMsPer1000Frames: { server: round2((serverCpuMs * 1000) / frames), receiver: round2(((receiver.user + receiver.system) / 1000) * (1000 / frames)) },
    };
  } finally {
    for (const socket of clients) closeFrameReceiver(socket);
    server.disconnect();
  }
}

/** Where the two ends of a round trip run: both on core 0, on cores 0 and 1, or wherever the scheduler puts them. */
export type Placement = 'one core' | 'two cores' | 'as scheduled';

const ROUND_TRIP_PROCESS = path.join(__dirname, 'loopback-round-trip.process.ts');

function startEnd(cpu: string | null, args: string[]): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', ROUND_TRIP_PROCESS, ...args];
  const [command, ...rest] = cpu === null ? node : ['taskset', '-c', cpu, ...node];
  return spawn(command, rest, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

const nextMessage = async <T>(child: ChildProcess): Promise<T> => ((await once(child, 'message', { signal: AbortSignal.timeout(30_000) })) as [T])[0];

/**
 * Every hop of the stack (a statement to PostgreSQL, a message through NATS, a gRPC call) is a
 * loopback round trip that wakes another process. Two bare Node processes ping-pong a message of
 * `messageBytes` `roundTrips` times; each end reports its CPU. Where cores are virtual, waking a
 * process on the other core can cost several times the work of the round trip itself.
 */
export async function loopbackRoundTrips(placement: Placement, roundTrips = 20_000, messageBytes = 200) {
  const [echoCpu, pingCpu] = placement === 'one core' ? ['0', '0'] : placement === 'two cores' ? ['0', '1'] : [null, null];
  const echo = startEnd(echoCpu, ['echo']);
  let pinger: ChildProcess | undefined;
  try {
    const { port } = await nextMessage<{ port: number }>(echo);
    echo.send('start');
    pinger = startEnd(pingCpu, ['ping', String(port), String(roundTrips), String(messageBytes)]);
    const ping = await nextMessage<EndReport>(pinger);
    echo.send('report');
    const echoed = await nextMessage<EndReport>(echo);
    const perRoundTripUs = (ms: number) => round2((ms * 1000) / roundTrips);
    return {
      placement,
      roundTrips,
      messageBytes,
      cores: { ping: ping.cpusAllowed, echo: echoed.cpusAllowed },
      wallUsPerRoundTrip: perRoundTripUs(ping.wallMs ?? 0),
      cpuUsPerRoundTrip: { ping: perRoundTripUs(ping.cpuMs), echo: perRoundTripUs(echoed.cpuMs) },
    };
  } finally {
    // A ping end that never reported (it timed out) is not left running.
    if (pinger && pinger.exitCode === null) pinger.kill();
    echo.disconnect();
  }
}

/** The round trip on one core, across two (when the machine has two and taskset is there), and as scheduled. */
export async function loopbackRoundTripCosts(roundTrips = 20_000) {
  const canPin = availableParallelism() >= 2 && hasTaskset();
  const placements: Placement[] = canPin ? ['one core', 'two cores', 'as scheduled'] : ['as scheduled'];
  const results = [];
  for (const placement of placements) results.push(await loopbackRoundTrips(placement, roundTrips));
  return results;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
