// A JetStream cluster that is still forming (servers starting together, a peer not yet known to the
// meta leader) refuses to place replicated streams for a few seconds. Provisioning at boot waits
// that out instead of failing the service, so services and NATS can start in any order.
import { JetStreamApiError } from '@nats-io/jetstream';

/** JetStream API codes that mean "not yet": no peers to place on, or the cluster unavailable. */
const FORMING_CODES = new Set([10005, 10008]);

export function isClusterForming(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return FORMING_CODES.has(error.code);
  // No meta leader yet: the JetStream API has no responder (reported as JetStream not enabled),
  // or does not answer in time.
  for (let cause = error as { name?: string; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause) {
    if (cause.name === 'JetStreamNotEnabled' || cause.name === 'TimeoutError' || cause.name === 'NoResponders') return true;
  }
  return false;
}

export interface SettleOptions {
  /** How long to keep trying before the error stands. */
  timeoutMs?: number;
  onWait?: (error: unknown, attempt: number) => void;
}

export async function whenClusterPlaces<T>(operation: () => Promise<T>, options: SettleOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!isClusterForming(error) || Date.now() >= deadline) throw error;
      options.onWait?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2000)));
    }
  }
}

/** Waiting for a forming cluster, with a log line per refusal so a slow boot says why. */
export function loggedSettle(logger: { warn: (fields: object, message: string) => void }): SettleOptions {
  return {
    onWait: (error, attempt) => logger.warn({ err: error, attempt }, 'JetStream cluster not ready to place replicas; waiting'),
  };
}
