// The contracts in protos/ pass buf lint, and regenerating the TypeScript code from them gives
// exactly the files committed under services/lib/src/gen.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/service-process';
import { scratchDirectory } from '@inbox/testkit';

const buf = path.join(ROOT, 'node_modules', '.bin', 'buf');

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

describe('protos', () => {
  it('pass buf lint', () => {
    expect(() => execFileSync(buf, ['lint'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('regenerate to exactly the committed TypeScript', () => {
    const out = scratchDirectory('proto-gen-');
    execFileSync(buf, ['generate', '-o', out], { cwd: ROOT, stdio: 'pipe' });
    const generated = path.join(out, 'services/lib/src/gen');
    const committed = path.join(ROOT, 'services/lib/src/gen');
    expect(listFiles(generated).sort()).toEqual(listFiles(committed).sort());
    for (const file of listFiles(generated)) {
      expect({ file, text: readFileSync(path.join(generated, file), 'utf8') }).toEqual({ file, text: readFileSync(path.join(committed, file), 'utf8') });
    }
  });

  it('declare one versioned package per service API and the events', () => {
    const packages = listFiles(path.join(ROOT, 'protos'))
      .filter((f) => f.endsWith('.proto'))
      .map((f) => readFileSync(path.join(ROOT, 'protos', f), 'utf8').match(/^package ([\w.]+);/m)?.[1]);
    expect(packages).toEqual(
      expect.arrayContaining(['inbox.conversation.v1', 'inbox.routing.v1', 'inbox.search.v1', 'inbox.notification.v1', 'inbox.events.v1']),
    );
  });
});

describe('the REST contract', () => {
  const check = () => execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/api-contract.ts', '--check'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });

  it('is committed as the gateway describes it, with the web client types generated from it', () => {
    expect(check).not.toThrow();
    const document = JSON.parse(readFileSync(path.join(ROOT, 'services/gateway/openapi.json'), 'utf8'));
    expect(document.paths['/api/v1/conversations/{id}'].get).toBeDefined();
    expect(document.components.schemas.Error['x-error-codes'].conversation_not_found).toBeDefined();
    const types = readFileSync(path.join(ROOT, 'services/web/src/gen/api-schema.ts'), 'utf8');
    expect(types).toContain('"/api/v1/conversations/{id}"');
  });

  // Two schemas given one component name leave only one in the document: GET /account was
  // documented with the sign-up answer's shape, without the time zone it sends.
  it('names each response schema once, so the document describes every answer as sent', () => {
    const routes = path.join(ROOT, 'services/gateway/src');
    const names = listFiles(routes)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .flatMap((file) => [...readFileSync(path.join(routes, file), 'utf8').matchAll(/\.openapi\('(\w+)'/g)].map((m) => `${m[1]} in ${file}`));
    const byName = new Map<string, string[]>();
    for (const entry of names) byName.set(entry.split(' ')[0], [...(byName.get(entry.split(' ')[0]) ?? []), entry]);
    expect([...byName.values()].filter((places) => places.length > 1)).toEqual([]);
    const document = JSON.parse(readFileSync(path.join(ROOT, 'services/gateway/openapi.json'), 'utf8'));
    expect(Object.keys(document.components.schemas.Account.properties)).toEqual(['id', 'name', 'timeZone']);
  });

  it('fails the check when the web types have drifted from the gateway', () => {
    const file = path.join(ROOT, 'services/web/src/gen/api-schema.ts');
    const committed = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, committed.replace('lastMessageDirection: "inbound" | "outbound";', 'lastMessageDirection: string;'));
      expect(check).toThrow(/out of date: services\/web\/src\/gen\/api-schema.ts/);
    } finally {
      writeFileSync(file, committed);
    }
  });
});
