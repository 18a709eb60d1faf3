// The architecture rules check themselves: the tree passes them (with only the listed known
// violations, which may shrink but not grow), and a deliberate violation of each kind fails.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

async function cruise(...targets: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'depcruise', ...targets, '--config', '.dependency-cruiser.cjs', '--ignore-known', '--output-type', 'err'], { cwd: ROOT });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('architecture rules (dependency-cruiser)', () => {
  const scratch = path.join(ROOT, 'services/conversation/src/domain/zz-rule-probe');
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('pass on the whole tree, known violations aside', async () => {
    const result = await cruise('services', 'tests');
    expect(result.output).toContain('no dependency violations found');
    expect(result.code).toBe(0);
  });

  it('fail on a domain file that imports an adapter, a driver, another service or test code', async () => {
    mkdirSync(scratch, { recursive: true });
    const probes: [string, string, string][] = [
      ['adapter.ts', "import { appendEvents } from '../../adapters/outbox';\nexport const probe = appendEvents;\n", 'domain-is-pure'],
      ['driver.ts', "import { Pool } from 'pg';\nexport const probe = Pool;\n", 'domain-no-drivers'],
      ['service.ts', "import { loadIngestConfig } from '../../../../ingest/src/config';\nexport const probe = loadIngestConfig;\n", 'no-other-service-source'],
      ['tests.ts', "import { signUp } from '../../../../../tests/support/api-client';\nexport const probe = signUp;\n", 'no-tests-from-production'],
    ];
    for (const [file, source] of probes) writeFileSync(path.join(scratch, file), source);
    const result = await cruise(path.relative(ROOT, scratch));
    expect(result.code).not.toBe(0);
    for (const [file, , rule] of probes) expect([file, result.output]).toEqual([file, expect.stringContaining(`${rule}: services/conversation/src/domain/zz-rule-probe/${file}`)]);
  });

  it('fail on a gateway route module that imports another route module', async () => {
    const file = path.join(ROOT, 'services/gateway/src/http/routes/zz-rule-probe.routes.ts');
    writeFileSync(file, "import { registerSearchRoutes } from './search.routes';\nimport { ConversationItem } from '../shapes/conversation.shapes';\nexport const probe = [registerSearchRoutes, ConversationItem];\n");
    try {
      const result = await cruise('services/gateway/src/http/routes/zz-rule-probe.routes.ts');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('gateway-routes-stand-alone: services/gateway/src/http/routes/zz-rule-probe.routes.ts → services/gateway/src/http/routes/search.routes.ts');
      expect(result.output).not.toContain('→ services/gateway/src/http/shapes/conversation.shapes.ts');
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('fail on a new use case that imports an adapter, though old ones are listed as known', async () => {
    const file = path.join(ROOT, 'services/conversation/src/modules/records/use-cases/zz-rule-probe.ts');
    writeFileSync(file, "import { appendEvents } from '../../../adapters/outbox';\nimport { SmtpSender } from '../../outbound/adapters';\nexport const probe = [appendEvents, SmtpSender];\n");
    try {
      const result = await cruise('services/conversation/src/modules/records/use-cases/zz-rule-probe.ts');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('use-cases-not-adapters: services/conversation/src/modules/records/use-cases/zz-rule-probe.ts → services/conversation/src/adapters/outbox.ts');
      // Another module's adapters are adapters too, though reached through its public adapters.ts.
      expect(result.output).toContain('use-cases-not-adapters: services/conversation/src/modules/records/use-cases/zz-rule-probe.ts → services/conversation/src/modules/outbound/adapters.ts');
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('fail when code outside a module, or another module, reaches past the module\'s index.ts', async () => {
    const outside = path.join(ROOT, 'services/conversation/src/adapters/zz-rule-probe.ts');
    const otherModule = path.join(ROOT, 'services/conversation/src/modules/zz-rule-probe');
    writeFileSync(
      outside,
      "import { PgInboundBatchStore } from '../modules/inbound/adapters/inbound-batch.store';\nimport { InboundReceipts } from '../modules/inbound/adapters';\nexport const probe = [PgInboundBatchStore, InboundReceipts];\n",
    );
    mkdirSync(otherModule, { recursive: true });
    writeFileSync(path.join(otherModule, 'index.ts'), "import { ThreadIndex } from '../inbound/domain/threading';\nimport { StoreInboundBatch } from '../inbound';\nexport const probe = [ThreadIndex, StoreInboundBatch];\n");
    try {
      const result = await cruise(path.relative(ROOT, outside), path.relative(ROOT, otherModule));
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('module-publics-only: services/conversation/src/adapters/zz-rule-probe.ts → services/conversation/src/modules/inbound/adapters/inbound-batch.store.ts');
      expect(result.output).toContain('modules-talk-through-publics: services/conversation/src/modules/zz-rule-probe/index.ts → services/conversation/src/modules/inbound/domain/threading.ts');
      // Through the public index is allowed.
      expect(result.output).not.toContain('→ services/conversation/src/modules/inbound/index.ts');
      expect(result.output).not.toContain('adapters/zz-rule-probe.ts → services/conversation/src/modules/inbound/adapters.ts');
    } finally {
      rmSync(outside, { force: true });
      rmSync(otherModule, { recursive: true, force: true });
    }
  });
});

describe('contract compatibility (buf breaking)', () => {
  const copy = path.join(ROOT, 'test-results/buf-breaking-probe');
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  async function breaking(change: (proto: string) => string): Promise<{ code: number; output: string }> {
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    await run('cp', ['-r', path.join(ROOT, 'protos'), path.join(ROOT, 'buf.yaml'), copy]);
    const file = path.join(copy, 'protos/inbox/conversation/v1/conversation.proto');
    writeFileSync(file, change(readFileSync(file, 'utf8')));
    try {
      const { stdout, stderr } = await run('npx', ['--no-install', 'buf', 'breaking', copy, '--against', ROOT], { cwd: ROOT });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  }

  it('fails when a field changes type or number, which old readers would decode wrongly', async () => {
    const retyped = await breaking((proto) => proto.replace('  string subject = 5;\n  string preview = 6;', '  int32 subject = 5;\n  string preview = 6;'));
    expect(retyped.code).not.toBe(0);
    expect(retyped.output).toContain('ConversationSummary');
    const renumbered = await breaking((proto) => proto.replace('  string subject = 5;\n  string preview = 6;', '  string subject = 29;\n  string preview = 6;'));
    expect(renumbered.code).not.toBe(0);
  });

  it('passes a new field, and a renamed one on the same number and type', async () => {
    const added = await breaking((proto) => proto.replace('  string subject = 5;\n  string preview = 6;', '  string subject_text = 5;\n  string preview = 6;\n  string probe = 99;'));
    expect(added.output).toBe('');
    expect(added.code).toBe(0);
  });
});
