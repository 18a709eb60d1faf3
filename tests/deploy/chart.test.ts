// The Helm chart, skaffold.yaml, the Dockerfile and the k6 scripts, checked offline: helm lint
// --strict, a matrix of rendered values files validated object by object against the Kubernetes
// 1.27.1 schemas (kubernetes-models 4.5.1), the security and probe invariants SREs rely on, the
// strict values schema, and that every service has its component, artifact and image.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parseAllDocuments, parse } from 'yaml';
import { ROOT } from '../support/service-process';
import { scratchDirectory } from '@inbox/testkit';

const KUBE_VERSION = '1.27.1';
const CHART = path.join(ROOT, 'charts/inbox');
const HELM = [path.join(ROOT, '.stack/bin/helm'), 'helm'].find((h) => h === 'helm' || existsSync(h))!;
const VALUES_MATRIX = ['', 'ci/minimal-values.yaml', 'ci/production-values.yaml'];
const SERVICES = readdirSync(path.join(ROOT, 'services')).filter((s) => !['lib', 'web'].includes(s) && existsSync(path.join(ROOT, 'services', s, 'src/main.ts')));

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; [key: string]: unknown };

function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(HELM, args, { encoding: 'utf8', cwd: ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function render(valuesFile: string, extra: string[] = []): K8sObject[] {
  const args = ['template', 'inbox', CHART, '--kube-version', KUBE_VERSION, ...(valuesFile ? ['-f', path.join(CHART, valuesFile)] : []), ...extra];
  const result = helm(args);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((d): d is K8sObject => !!d);
}

function validateAgainstSchema(object: K8sObject): void {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const modulePath =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}`
      : group
        ? `kubernetes-models/${group}/${version}`
        : `kubernetes-models/${version}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = (require(modulePath) as Record<string, new (data: unknown) => { validate(): void }>)[object.kind];
  if (!Model) throw new Error(`no Kubernetes ${KUBE_VERSION} schema for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

describe('the Helm chart', () => {
  it.each(VALUES_MATRIX)('passes helm lint --strict with %s', (valuesFile) => {
    const result = helm(['lint', '--strict', CHART, '--kube-version', KUBE_VERSION, ...(valuesFile ? ['-f', path.join(CHART, valuesFile)] : [])]);
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it.each(VALUES_MATRIX)('renders %s into objects that all validate against the Kubernetes 1.27.1 schemas', (valuesFile) => {
    const objects = render(valuesFile);
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) {
      expect(() => validateAgainstSchema(object)).not.toThrow();
    }
  });

  it('gives every service a hardened Deployment with probes, limits, spread and a config checksum', () => {
    const objects = render('ci/production-values.yaml');
    const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'inbox-pgbouncer');
    expect(deployments.map((d) => d.metadata.name.replace('inbox-', '')).sort()).toEqual([...SERVICES].sort());
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
      expect(container.resources.limits).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.startupProbe).toBeDefined();
      const grpcPort = container.ports.find((p: { name: string }) => p.name === 'grpc');
      if (grpcPort) expect(container.readinessProbe.grpc.port).toBe(grpcPort.containerPort);
      else expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(deployment.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
      expect(pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      expect(deployment.spec.replicas).toBeUndefined(); // the HPA owns the replica count
    }
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceAccount', 'Service']) {
      const names = objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
      for (const service of SERVICES) expect(names).toContain(`inbox-${service}`);
    }
  });

  it('runs every Node service with a capped heap, one V8 helper thread, the collector exposed, two malloc arenas and a memory budget, as the local run does', () => {
    const objects = render('ci/production-values.yaml');
    const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'inbox-pgbouncer');
    // What a container sees: the shared ConfigMap it takes with envFrom, under its own env.
    const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, (o as { data?: Record<string, string> }).data ?? {}]));
    const envOf = (d: K8sObject) => {
      const [container] = d.spec.template.spec.containers;
      const shared = (container.envFrom ?? []).map((from: { configMapRef?: { name: string } }) => configMaps.get(from.configMapRef?.name ?? '') ?? {});
      return Object.assign({}, ...shared, Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value])));
    };
    const node = deployments.filter((d) => envOf(d).NODE_OPTIONS !== undefined);
    expect(node.length).toBeGreaterThanOrEqual(6);
    for (const deployment of node) {
      expect([deployment.metadata.name, envOf(deployment).NODE_OPTIONS]).toEqual([deployment.metadata.name, expect.stringMatching(/--max-old-space-size=\d+ --max-semi-space-size=16 --v8-pool-size=1 --expose-gc/)]);
      expect([deployment.metadata.name, envOf(deployment).MALLOC_ARENA_MAX]).toEqual([deployment.metadata.name, '2']);
      // 70% of the container's memory limit: the pooled heap pages go back well before the limit.
      const limit = String(deployment.spec.template.spec.containers[0].resources.limits.memory);
      const limitMb = limit.endsWith('Gi') ? Number(limit.slice(0, -2)) * 1024 : Number(limit.slice(0, -2));
      expect([deployment.metadata.name, envOf(deployment).MEMORY_BUDGET_MB]).toEqual([deployment.metadata.name, String(Math.floor(limitMb * 0.7))]);
      expect(Number(envOf(deployment).MEMORY_BUDGET_MB)).toBeGreaterThan(100);
    }
    expect(envOf(node.find((d) => d.metadata.name.endsWith('-search'))!).NODE_OPTIONS).toContain('--heap-growing-percent=100');
    const localRun = readFileSync(path.join(ROOT, 'scripts/services.sh'), 'utf8');
    expect(localRun).toContain('MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}');
    expect(localRun).toContain('--max-semi-space-size=16 --v8-pool-size=1 --expose-gc');
    expect(localRun).toContain('MEMORY_BUDGET_MB=${MEMORY_BUDGET_MB:-180}');
    expect(localRun).toContain('search) echo "--heap-growing-percent=${SEARCH_HEAP_GROWING_PERCENT:-100}"');
  });

  it('lets only the traffic each service needs through its NetworkPolicy', () => {
    const policies = Object.fromEntries(render('').filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name.replace('inbox-', ''), o.spec]));
    const peers = (name: string) =>
      policies[name].ingress.flatMap((rule: any) => (rule.from ?? []).map((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/component']).filter(Boolean));
    expect(peers('conversation').sort()).toEqual(['gateway', 'ingest', 'notification', 'routing', 'search']);
    // Ingest, the internet-facing edge, reaches only the conversation service's edge port…
    const portsFor = (name: string, peer: string) =>
      policies[name].ingress
        .filter((rule: any) => (rule.from ?? []).some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/component'] === peer))
        .flatMap((rule: any) => rule.ports.map((p: { port: string }) => p.port));
    expect(portsFor('conversation', 'ingest')).toEqual(['edge']);
    expect(portsFor('conversation', 'gateway')).toEqual(['grpc']);
    expect(portsFor('conversation', 'notification')).toEqual(['grpc']);
    // The ingress controller reaches the public ports, never the ops ports.
    const fromIngress = (name: string) => policies[name].ingress.filter((rule: any) => (rule.from ?? []).some((f: any) => f.namespaceSelector && !JSON.stringify(f).includes('monitoring')));
    expect(fromIngress('gateway').flatMap((rule: any) => rule.ports.map((p: { port: string }) => p.port))).toEqual(['web']);
    expect(peers('routing').sort()).toEqual(['gateway', 'ingest']);
    // …and routing's edge port (whether agents are available), nothing else of routing.
    expect(portsFor('routing', 'ingest')).toEqual(['edge']);
    expect(portsFor('routing', 'gateway')).toEqual(['grpc']);
    expect(peers('gateway')).toEqual([]);
    expect(policies.ingest.ingress.some((rule: any) => !rule.from && rule.ports[0].port === 'smtp')).toBe(true);
    for (const spec of Object.values(policies) as any[]) expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('runs migrations and JetStream provisioning as pre-install/pre-upgrade hooks, and exposes SMTP and the ingress', () => {
    const objects = render('');
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(['inbox-migrate-conversation', 'inbox-migrate-notification', 'inbox-migrate-routing', 'inbox-provision-jetstream']);
    for (const job of jobs) expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    expect(ingress.spec.rules[0].http.paths.map((p: { path: string; backend: any }) => [p.path, p.backend.service.name, p.backend.service.port.name])).toEqual([
      ['/ingest', 'inbox-ingest', 'web'],
      ['/', 'inbox-gateway', 'web'],
    ]);
    expect(objects.find((o) => o.metadata.name === 'inbox-smtp')?.spec).toMatchObject({ type: 'LoadBalancer', ports: [{ port: 25, targetPort: 'smtp' }] });
    const config = objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(config.data.GATEWAY_SIGNUP_ENABLED).toBe('false');
    const secretsInline = JSON.stringify(objects).match(/password|jwt-secret"\s*:\s*"[^"]{8,}/gi) ?? [];
    expect(secretsInline).toEqual([]);
  });

  it('balances gRPC over headless Services: every client address names one, resolving to each ready pod', () => {
    const objects = render('ci/production-values.yaml');
    const services = objects.filter((o) => o.kind === 'Service');
    const headless = services.filter((o) => o.spec.clusterIP === 'None');
    expect(headless.map((o) => o.metadata.name).sort()).toEqual(['inbox-conversation-grpc', 'inbox-notification-grpc', 'inbox-routing-grpc', 'inbox-search-grpc']);
    for (const service of headless) expect(service.spec.ports.every((p: { appProtocol: string }) => p.appProtocol === 'grpc')).toBe(true);
    const addresses = objects
      .filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'inbox-pgbouncer')
      .flatMap((d) => d.spec.template.spec.containers[0].env.filter((e: { name: string }) => e.name.endsWith('GRPC_ADDR')).map((e: { value: string }) => e.value));
    expect(addresses.length).toBeGreaterThanOrEqual(8);
    for (const address of addresses) {
      const match = /^dns:\/\/\/([\w-]+):(\d+)$/.exec(address);
      expect(match).not.toBeNull();
      const service = headless.find((o) => o.metadata.name === match![1]);
      expect(service?.spec.ports.map((p: { port: number }) => p.port)).toContain(Number(match![2]));
    }
  });

  it('drains before stopping: SIGTERM leaves the drain delay, then 3/4 of the rest of the grace period', () => {
    const config = render('ci/production-values.yaml').find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(config.data.SHUTDOWN_DRAIN_DELAY_MS).toBe('5000');
    expect(config.data.SHUTDOWN_TIMEOUT_MS).toBe(String((45 - 5) * 750));
  });

  it('applies scheduling, pod annotations and ServiceAccount annotations to every pod and hook', () => {
    const dir = scratchDirectory('values-');
    const file = path.join(dir, 'scheduling.yaml');
    writeFileSync(
      file,
      [
        'pod:',
        '  nodeSelector: { pool: inbox }',
        '  tolerations: [{ key: dedicated, operator: Equal, value: inbox, effect: NoSchedule }]',
        '  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: arch, operator: In, values: [amd64] }] }] } } }',
        '  priorityClassName: inbox-high',
        '  annotations: { team: support }',
        'serviceAccount:',
        '  annotations: { iam.example.com/role: inbox }',
      ].join('\n'),
    );
    const objects = render('', ['-f', file]);
    const pods = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => o.spec.template);
    expect(pods.length).toBe(10);
    for (const pod of pods) {
      expect(pod.spec).toMatchObject({ nodeSelector: { pool: 'inbox' }, priorityClassName: 'inbox-high', tolerations: [{ key: 'dedicated' }] });
      expect(pod.spec.affinity.nodeAffinity).toBeDefined();
    }
    for (const d of objects.filter((o) => o.kind === 'Deployment')) expect(d.spec.template.metadata.annotations.team).toBe('support');
    for (const sa of objects.filter((o) => o.kind === 'ServiceAccount')) expect(sa.metadata.annotations).toEqual({ 'iam.example.com/role': 'inbox' });
    for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
  });

  it('renders as a subchart of charts/inbox-dev, with the global values Helm passes', () => {
    // The third-party dependencies cannot be downloaded here: each is an empty chart of the
    // version the parent asks for, so Helm resolves the tree and renders the inbox subchart.
    const dir = scratchDirectory('inbox-dev-');
    cpSync(path.join(ROOT, 'charts/inbox-dev'), dir, { recursive: true });
    cpSync(CHART, path.join(dir, 'charts/inbox'), { recursive: true });
    const dev = parse(readFileSync(path.join(ROOT, 'charts/inbox-dev/Chart.yaml'), 'utf8')) as { dependencies: { name: string; version: string }[] };
    for (const dependency of dev.dependencies.filter((d) => d.name !== 'inbox')) {
      mkdirSync(path.join(dir, 'charts', dependency.name), { recursive: true });
      writeFileSync(path.join(dir, 'charts', dependency.name, 'Chart.yaml'), `apiVersion: v2\nname: ${dependency.name}\nversion: ${dependency.version.replace(/x/g, '0')}\n`);
    }
    const result = helm(['template', 'dev', dir, '--kube-version', KUBE_VERSION, '--set', 'global.imageRegistry=registry.example.com']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const objects = parseAllDocuments(result.stdout).map((d) => d.toJS() as K8sObject).filter(Boolean);
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(SERVICES.map((s) => `dev-inbox-${s}`).sort());
    for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
  });

  it('scrapes every component with a ServiceMonitor and ships the alerts, unit-tested by promtool, as a PrometheusRule', () => {
    const objects = render('ci/production-values.yaml');
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
    expect(monitor.metadata).toMatchObject({ labels: { release: 'kube-prometheus-stack' } });
    const selected = objects.filter(
      (o) => o.kind === 'Service' && Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    const scraped = selected.filter((o) => o.spec.ports.some((p: { name: string }) => p.name === monitor.spec.endpoints[0].port)).map((o) => o.metadata.name);
    expect(scraped.sort()).toEqual(SERVICES.map((s) => `inbox-${s}`).sort());
    const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
    const alerts = parse(readFileSync(path.join(CHART, 'files/alerts.yaml'), 'utf8'));
    expect(rule.spec).toEqual(alerts);
    // Off by default: a cluster without the Prometheus Operator's CRDs installs the chart as is.
    expect(render('').filter((o) => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind))).toEqual([]);
    const promtool = (args: string[]) => spawnSync('promtool', args, { encoding: 'utf8', cwd: ROOT });
    const check = promtool(['check', 'rules', path.join(CHART, 'files/alerts.yaml')]);
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    const tests = promtool(['test', 'rules', 'deploy/prometheus/alerts.test.yaml']);
    expect(tests.stdout + tests.stderr).toContain('SUCCESS');
    expect(tests.status).toBe(0);
    // Every alert has a test and a runbook section in the operations guide.
    const names = alerts.groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert));
    const testFile = readFileSync(path.join(ROOT, 'deploy/prometheus/alerts.test.yaml'), 'utf8');
    const guide = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
    for (const name of names) {
      expect(testFile).toContain(`alertname: ${name}`);
      expect(guide).toContain(`### ${name}`);
    }
  });

  it('points webhooks, call callbacks, the MTA name and notification mail at hosts the install serves', () => {
    const config = (valuesFile: string) => (render(valuesFile).find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> }).data;
    const production = config('ci/production-values.yaml');
    // The Ingress routes /ingest on the public host to ingest, so that is where providers call.
    for (const key of ['INGEST_PUBLIC_URL', 'GATEWAY_INGEST_PUBLIC_URL', 'CALLS_CALLBACK_BASE_URL']) expect(production[key]).toBe('https://support.example.com');
    expect(production.INGEST_MTA_NAME).toBe('mail.support.example.com');
    expect(production.NOTIFICATION_EMAIL_FROM).toBe('Inbox <notifications@mail.support.example.com>');
    expect(production.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.monitoring:4318');
    expect(config('').OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(JSON.stringify(config(''))).not.toContain('inbox.localhost');
  });

  it('takes the NATS, OpenSearch and AI-assist credentials from Secrets, mounts the private CA, and keeps them out of the ConfigMap', () => {
    const objects = render('ci/production-values.yaml');
    const config = (objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> }).data;
    expect(config.NATS_URL).toBeUndefined();
    expect(config.OPENSEARCH_URL).toBeUndefined();
    expect(config).toMatchObject({ NATS_TLS_CA_FILE: '/etc/inbox/tls/nats/ca.pem', OPENSEARCH_CA_FILE: '/etc/inbox/tls/opensearch/ca.pem', CONVERSATION_ASSIST_URL: 'https://llm.internal.example.com/v1' });
    const pods = objects.filter((o) => (o.kind === 'Deployment' && o.metadata.name !== 'inbox-pgbouncer') || o.metadata.name === 'inbox-provision-jetstream');
    const secretEnv = (pod: K8sObject, name: string) => pod.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === name)?.valueFrom?.secretKeyRef;
    for (const pod of pods) {
      expect(secretEnv(pod, 'NATS_URL')).toEqual({ name: 'inbox-nats', key: 'urls' });
      const mounts = pod.spec.template.spec.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath);
      expect(mounts).toContain('/etc/inbox/tls/nats');
    }
    const byName = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `inbox-${name}`)!;
    expect(secretEnv(byName('search'), 'OPENSEARCH_URL')).toEqual({ name: 'inbox-opensearch', key: 'url' });
    expect(secretEnv(byName('gateway'), 'OPENSEARCH_URL')).toBeUndefined();
    expect(secretEnv(byName('conversation'), 'CONVERSATION_ASSIST_API_KEY')).toEqual({ name: 'inbox-assist', key: 'api-key' });
    expect(secretEnv(byName('gateway'), 'CONVERSATION_ASSIST_API_KEY')).toBeUndefined();
    // A tls:// URL is accepted; credentials inline in a URL are refused (they belong in urlSecret).
    expect(() => render('', ['--set', 'external.nats.url=tls://nats.internal:4222'])).not.toThrow();
    expect(() => render('', ['--set', 'external.nats.url=nats://user:pass@nats:4222'])).toThrow(/does not match pattern/);
  });

  it('puts PgBouncer between the services and PostgreSQL in production, with the migrations going around it', () => {
    const objects = render('ci/production-values.yaml');
    const bouncer = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'inbox-pgbouncer')!;
    const pod = bouncer.spec.template.spec;
    expect(pod.containers[0].command).toEqual(['pgbouncer', '/etc/pgbouncer/pgbouncer.ini']);
    expect(pod.volumes.find((v: { name: string }) => v.name === 'config').secret.secretName).toBe('inbox-pgbouncer');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'inbox-pgbouncer')?.spec.ports[0].port).toBe(6432);
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'inbox-pgbouncer')!;
    expect(policy.spec.ingress.map((rule: any) => rule.from[0].podSelector.matchLabels['app.kubernetes.io/component']).sort()).toEqual(['conversation', 'notification', 'routing']);
    const secretOf = (o: K8sObject, name: string) => o.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === name)?.valueFrom?.secretKeyRef.key;
    expect(secretOf(objects.find((o) => o.metadata.name === 'inbox-conversation' && o.kind === 'Deployment')!, 'CONVERSATION_DATABASE_URL')).toBe('conversation-pgbouncer-url');
    expect(secretOf(objects.find((o) => o.metadata.name === 'inbox-migrate-conversation')!, 'CONVERSATION_DATABASE_URL')).toBe('conversation-url');
    const config = (objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> }).data;
    expect(config.CONVERSATION_PREPARED_STATEMENTS).toBe('false');
    expect(config.NOTIFICATION_PREPARED_STATEMENTS).toBe('false');
    // Off by default; on without an image, a config Secret or direct migration URLs, the render names what is missing.
    expect(render('').some((o) => o.metadata.name === 'inbox-pgbouncer')).toBe(false);
    expect(() => render('', ['--set', 'pgbouncer.enabled=true', '--set', 'pgbouncer.configSecret=x'])).toThrow(/pgbouncer.image/);
    expect(() => render('', ['--set', 'pgbouncer.enabled=true', '--set', 'pgbouncer.image=x', '--set', 'pgbouncer.configSecret=x'])).toThrow(/migrationdb.conversation/);
  });

  it('rejects a typo in a key and a value of the wrong type through values.schema.json', () => {
    const dir = scratchDirectory('values-');
    const typo = path.join(dir, 'typo.yaml');
    writeFileSync(typo, 'components:\n  gateway:\n    replica: 3\n');
    const wrongType = path.join(dir, 'type.yaml');
    writeFileSync(wrongType, 'smtp:\n  port: "25"\n');
    const unknownTop = path.join(dir, 'top.yaml');
    writeFileSync(unknownTop, 'ingres:\n  enabled: false\n');
    for (const [file, message] of [
      [typo, "additional properties 'replica' not allowed"],
      [wrongType, 'got string, want integer'],
      [unknownTop, "additional properties 'ingres' not allowed"],
    ]) {
      const result = helm(['template', 'inbox', CHART, '--kube-version', KUBE_VERSION, '-f', file]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(message);
    }
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')));
    expect(validate(parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')))).toBe(true);
    expect(validate({ components: { gateway: { replica: 3 } } })).toBe(false);
  });

  it('documents every value in values.yaml', () => {
    const lines = readFileSync(path.join(CHART, 'values.yaml'), 'utf8').split('\n');
    // Top-level and second-level keys carry a comment; a component's keys are documented once,
    // on the first component (gateway), and the other components repeat the same keys.
    const documentedOnce = new Set(SERVICES.filter((s) => s !== 'gateway'));
    const keyLines = lines.map((line, i) => ({ line, i })).filter(({ line }) => /^( {0,2})[a-zA-Z][\w.-]*:/.test(line));
    expect(keyLines.length).toBeGreaterThan(15);
    const undocumented = keyLines.filter(({ line, i }) => {
      const key = line.trim().split(':')[0];
      if (line.startsWith('  ') && documentedOnce.has(key)) return false;
      return !lines[i - 1]?.trim().startsWith('#');
    });
    expect(undocumented.map(({ line }) => line.trim())).toEqual([]);
  });
});

describe('services, chart and skaffold stay in step', () => {
  const values = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as { components: Record<string, unknown> };
  const schema = JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8'));
  const skaffold = parse(readFileSync(path.join(ROOT, 'skaffold.yaml'), 'utf8'));

  it('has a chart component, a schema entry and a skaffold artifact for every service in services/', () => {
    expect(SERVICES.length).toBe(6);
    const artifacts = skaffold.build.artifacts.map((a: { image: string; docker: { buildArgs: { SERVICE: string } } }) => [a.image, a.docker.buildArgs.SERVICE]);
    for (const service of SERVICES) {
      expect(Object.keys(values.components)).toContain(service);
      expect(Object.keys(schema.properties.components.properties)).toContain(service);
      expect(artifacts).toContainEqual([`inbox-${service}`, service]);
      expect(skaffold.deploy.helm.releases[0].setValueTemplates[`components.${service}.image`]).toBe(`{{.IMAGE_FULLY_QUALIFIED_inbox_${service}}}`);
    }
  });

  it('is a skaffold/v4beta13 config with dev and prod profiles deploying the charts', () => {
    expect(skaffold.apiVersion).toBe('skaffold/v4beta13');
    expect(skaffold.profiles.map((p: { name: string }) => p.name)).toEqual(['dev', 'prod']);
    for (const profile of skaffold.profiles) {
      for (const release of profile.deploy.helm.releases) expect(existsSync(path.join(ROOT, release.chartPath, 'Chart.yaml'))).toBe(true);
    }
    const dev = parse(readFileSync(path.join(ROOT, 'charts/inbox-dev/Chart.yaml'), 'utf8'));
    expect(dev.dependencies.map((d: { name: string }) => d.name)).toEqual(['inbox', 'postgresql', 'redis', 'nats', 'opensearch']);
  });
});

describe('the container image definition', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
  const dockerignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');

  it('is multi-stage on Node 24 LTS, non-root, with only the production dependencies of its service and no HEALTHCHECK', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-[a-z]+-slim$/m);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev --workspace "services\/\$\{SERVICE\}"/);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
    for (const service of SERVICES) expect(existsSync(path.join(ROOT, 'services', service, 'package.json'))).toBe(true);
  });

  // The image's install, run here for each service: every package its compiled code (and the
  // shared lib's) imports must be in what that install gives it, or the image fails at boot.
  it.each(SERVICES)('gives %s every package its compiled code imports', (service) => {
    const dir = scratchDirectory(`image-${service}-`);
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    cpSync(path.join(ROOT, 'package-lock.json'), path.join(dir, 'package-lock.json'));
    cpSync(path.join(ROOT, '.npmrc'), path.join(dir, '.npmrc'));
    for (const workspace of readdirSync(path.join(ROOT, 'services'))) {
      if (!existsSync(path.join(ROOT, 'services', workspace, 'package.json'))) continue;
      mkdirSync(path.join(dir, 'services', workspace), { recursive: true });
      cpSync(path.join(ROOT, 'services', workspace, 'package.json'), path.join(dir, 'services', workspace, 'package.json'));
    }
    execFileSync('npm', ['ci', '--omit=dev', '--workspace', `services/${service}`, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, stdio: 'pipe', timeout: 180_000 });
    const imported = new Set<string>();
    const scan = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) scan(full);
        else if (entry.name.endsWith('.js') && !entry.name.endsWith('.test.js')) {
          for (const match of readFileSync(full, 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) {
            const specifier = match[1];
            if (specifier.startsWith('node:') || specifier.startsWith('@inbox/')) continue;
            imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
          }
        }
      }
    };
    scan(path.join(ROOT, 'services', service, 'dist'));
    scan(path.join(ROOT, 'services/lib/dist'));
    const builtins = new Set(builtinModules);
    const missing = [...imported].filter((name) => !builtins.has(name) && !existsSync(path.join(dir, 'node_modules', name, 'package.json')));
    expect(missing).toEqual([]);
  });

  it('keeps local state, build output and secrets out of the build context', () => {
    for (const entry of ['**/node_modules', '**/dist', '.git', '.stack']) expect(dockerignore).toContain(entry);
  });
});

describe('k6 scenarios', () => {
  it('type-check against @types/k6', () => {
    expect(() => execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(ROOT, 'tests/load/k6/tsconfig.json')], { stdio: 'pipe' })).not.toThrow();
    expect(readdirSync(path.join(ROOT, 'tests/load/k6')).filter((f) => f.endsWith('.ts')).sort()).toEqual(['agents.ts', 'inbound-storm.ts', 'realtime.ts', 'smoke.ts']);
  });
});

describe('benchmark harness (npm run bench)', () => {
  it('type-checks', () => {
    expect(() => execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(ROOT, 'tests/bench/tsconfig.json')], { stdio: 'pipe' })).not.toThrow();
  });
});
