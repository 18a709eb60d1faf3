// Starts tests/support/oidc-provider-server.mjs (a real oidc-provider) on a free port for one client.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from './service-process';

export interface RunningProvider {
  issuer: string;
  stop: () => Promise<void>;
}

/** port: chosen beforehand when the relying party must know it first (its allowed outbound targets). */
export async function startOidcProvider(client: { clientId: string; clientSecret: string; redirectUri: string }, port?: number): Promise<RunningProvider> {
  port ??= await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'oidc-provider-server.mjs')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), CLIENT_ID: client.clientId, CLIENT_SECRET: client.clientSecret, REDIRECT_URI: client.redirectUri, NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OpenID provider did not start: ${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the OpenID provider exited (${code}): ${output}`)));
  });
  return {
    issuer: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
