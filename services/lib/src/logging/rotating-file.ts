// A log file that does not grow without end, for processes run outside a container runtime (the
// local run). Every request is logged, so a gateway's file reached 1.5 GB within days. Past
// maxBytes the file is renamed to <path>.1 (and <path>.1 to <path>.2, up to keep files) and the
// process goes on writing to a new <path>. Size is checked on a timer, never per line, so a file
// can exceed its limit by what one interval writes.
import { existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import pino from 'pino';

export interface RotatingFileSettings {
  path: string;
  maxBytes: number;
  /** Rotated files kept beside the current one. */
  keep: number;
  checkEveryMs?: number;
}

export interface RotatingFile {
  stream: pino.DestinationStream;
  /** Rotates now if the file has reached its limit; true when it did. */
  rotateIfFull(): boolean;
  stop(): void;
}

export function openRotatingFile(settings: RotatingFileSettings): RotatingFile {
  // Written synchronously, as pino writes to stdout: a line logged before a crash is in the file.
  // Readable by its owner only: request lines name users, accounts and client addresses.
  const stream = pino.destination({ dest: settings.path, append: true, mkdir: true, sync: true, mode: 0o600 });
  const rotateIfFull = (): boolean => {
    let size: number;
    try {
      size = statSync(settings.path).size;
    } catch {
      // Removed from under the process: write to a new file of that name.
      stream.reopen();
      return false;
    }
    if (size < settings.maxBytes) return false;
    const numbered = (n: number) => `${settings.path}.${n}`;
    if (existsSync(numbered(settings.keep))) unlinkSync(numbered(settings.keep));
    for (let n = settings.keep - 1; n >= 1; n--) if (existsSync(numbered(n))) renameSync(numbered(n), numbered(n + 1));
    renameSync(settings.path, numbered(1));
    stream.reopen();
    return true;
  };
  const timer = setInterval(() => {
    try {
      rotateIfFull();
    } catch (error) {
      process.stderr.write(`log rotation of ${settings.path} failed: ${(error as Error).message}\n`);
    }
  }, settings.checkEveryMs ?? 10_000);
  timer.unref();
  return {
    stream,
    rotateIfFull,
    stop: () => clearInterval(timer),
  };
}
