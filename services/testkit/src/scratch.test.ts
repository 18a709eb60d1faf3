import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeScratchDirectories, scratchDirectory } from './scratch';

describe('scratch directories', () => {
  it('are removed with everything in them, and only once', () => {
    const dirs = [scratchDirectory('scratch-a-'), scratchDirectory('scratch-b-')];
    mkdirSync(path.join(dirs[0], 'nested'));
    writeFileSync(path.join(dirs[0], 'nested', 'file.txt'), 'kept until the file ends');
    expect(dirs.every((d) => existsSync(d))).toBe(true);

    removeScratchDirectories();
    expect(dirs.some((d) => existsSync(d))).toBe(false);
    expect(() => removeScratchDirectories()).not.toThrow();
  });
});
