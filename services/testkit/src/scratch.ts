// Directories a test writes into. Each is removed with everything in it once its test file ends
// (jest-setup.ts registers that for every file), pass or fail: the image test alone left 850 MB
// in the system's temporary folder on every run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const created: string[] = [];

export function scratchDirectory(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeScratchDirectories(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
