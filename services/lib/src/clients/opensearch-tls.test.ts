// The OpenSearch client trusts a private CA when given its file: against an HTTPS endpoint whose
// certificate that CA signs (a local server answering cluster health as OpenSearch does), the
// readiness check passes with the CA and fails on the certificate without it.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { privateCertificates } from '@inbox/testkit';
import { createOpenSearch, pingOpenSearch } from './opensearch';

describe('OpenSearch over HTTPS with a private CA', () => {
  const files = privateCertificates();
  const server = https.createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-opensearch-product': 'OpenSearch' });
    res.end(JSON.stringify(req.url?.startsWith('/_cluster/health') ? { status: 'green' } : {}));
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is ready with the CA file', async () => {
    await expect(pingOpenSearch(createOpenSearch(url, { caFile: files.ca }))).resolves.toBeUndefined();
  });

  it('refuses the certificate without it', async () => {
    await expect(pingOpenSearch(createOpenSearch(url))).rejects.toThrow(/certificate/i);
  });
});
