// A private CA and a server certificate signed by it, made with openssl, for TLS tests against
// real servers. The certificate names 127.0.0.1 and localhost (nats.js checks 127.0.0.1 as localhost).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scratchDirectory } from './scratch';

export interface TestCertificates {
  /** PEM files: the CA's certificate, the server's certificate and its key. */
  ca: string;
  cert: string;
  key: string;
}

export function privateCertificates(): TestCertificates {
  const dir = scratchDirectory('test-ca-');
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=Inbox test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('san.ext'));
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}
