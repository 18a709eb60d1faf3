import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from './logger';
import { openRotatingFile } from './rotating-file';
import { scratchDirectory } from '@inbox/testkit';

describe('a rotating log file', () => {
  const dir = scratchDirectory('rotating-log-');
  const lines = (file: string) => readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).n as number);

  it('moves a full file aside, keeps only the newest ones, and loses no line to a rotation', () => {
    const file = openRotatingFile({ path: path.join(dir, 'gateway.log'), maxBytes: 1_000, keep: 2, checkEveryMs: 3_600_000 });
    const logger = createLogger({ service: 'gateway', destination: file.stream });
    const rotated: boolean[] = [];
    let n = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 20; i++) logger.info({ n: n++ }, 'request done');
      rotated.push(file.rotateIfFull());
    }
    logger.info({ n }, 'after the last rotation');
    file.stop();

    expect(rotated).toEqual([true, true, true, true]);
    expect(readdirSync(dir).sort()).toEqual(['gateway.log', 'gateway.log.1', 'gateway.log.2']);
    for (const name of readdirSync(dir)) expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
    expect(lines('gateway.log')).toEqual([80]);
    expect(lines('gateway.log.1')).toEqual(Array.from({ length: 20 }, (_, i) => 60 + i));
    expect(lines('gateway.log.2')).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
  });

  it('leaves a file under its limit alone, and starts a new one when its file is removed', () => {
    const name = path.join(dir, 'search.log');
    const file = openRotatingFile({ path: name, maxBytes: 1_000_000, keep: 3, checkEveryMs: 3_600_000 });
    const logger = createLogger({ service: 'search', destination: file.stream });
    logger.info({ n: 1 }, 'indexed');
    expect(file.rotateIfFull()).toBe(false);
    unlinkSync(name);
    expect(file.rotateIfFull()).toBe(false);
    logger.info({ n: 2 }, 'indexed');
    file.stop();
    expect(lines('search.log')).toEqual([2]);
    expect(readdirSync(dir).filter((f) => f.startsWith('search'))).toEqual(['search.log']);
  });
});
