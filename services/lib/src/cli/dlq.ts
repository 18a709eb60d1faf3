// Operator command for the dead-letter stream:
//   node services/lib/dist/cli/dlq.js list [consumer]     JSON list of dead letters
//   node services/lib/dist/cli/dlq.js replay <seq>...     republish to the original subject and remove
//   node services/lib/dist/cli/dlq.js replay --all [consumer]
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { commonConfigShape, loadConfig } from '../config/config';
import { connectNats } from '../jetstream/connection';
import { listDeadLetters, replayDeadLetter } from '../jetstream/dead-letter';
import { createLogger } from '../logging/logger';
import { errorMessage } from '../observability/health';
import { z } from 'zod';

async function main(argv: string[]): Promise<void> {
  const config = loadConfig(z.object({ NATS_URL: commonConfigShape.NATS_URL, NATS_TLS_CA_FILE: commonConfigShape.NATS_TLS_CA_FILE }));
  const nc = await connectNats(config.NATS_URL, 'dlq-cli', createLogger({ service: 'dlq-cli', level: 'warn' }), { caFile: config.NATS_TLS_CA_FILE });
  try {
    const jsm = await jetstreamManager(nc);
    const [command, ...rest] = argv;
    if (command === 'list') {
      process.stdout.write(`${JSON.stringify(await listDeadLetters(jsm, rest[0]), null, 2)}\n`);
    } else if (command === 'replay') {
      const js = jetstream(nc);
      const sequences =
        rest[0] === '--all' ? (await listDeadLetters(jsm, rest[1])).map((l) => l.dlqSequence) : rest.map((s) => Number(s));
      if (sequences.length === 0 || sequences.some((s) => !Number.isInteger(s) || s <= 0)) {
        throw new Error('replay needs dead-letter sequence numbers or --all');
      }
      for (const seq of sequences) await replayDeadLetter(js, jsm, seq);
      process.stdout.write(`replayed ${sequences.length}\n`);
    } else {
      throw new Error('usage: dlq.js list [consumer] | replay <seq>... | replay --all [consumer]');
    }
  } finally {
    await nc.drain();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exitCode = 1;
});
