// code-server: VS Code OSS's server and workbench, installed once into a cache folder outside the
// repo by scripts/e2e/install-code-server.sh, with a fresh user-data and extensions folder per run.

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { waitFor } from './log';
import { run, start, type Managed } from './processes';
import { USER_SETTINGS } from './scenario';

export interface CodeServer {
  url: string;
  userDataDir: string;
  logFile: string;
  output(): string;
  stop(): Promise<void>;
}

export async function ensureCodeServer(repoRoot: string): Promise<string> {
  const script = path.join(repoRoot, 'scripts', 'e2e', 'install-code-server.sh');
  const { stdout } = await run('bash', [script], { timeoutMs: 8 * 60_000 });
  const entry = stdout.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(entry)) throw new Error(`install script printed "${entry}", which does not exist`);
  return entry;
}

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
  /** XDG folders so code-server writes its config.yaml and state here, not in the user's home. */
  xdgEnv: NodeJS.ProcessEnv;
}

export function makeProfile(runDir: string, extraSettings: Record<string, unknown> = {}): Profile {
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extraSettings }, null, 2));
  const xdg = path.join(runDir, 'xdg');
  const xdgEnv = {
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_STATE_HOME: path.join(xdg, 'state'),
  };
  return { userDataDir, extensionsDir, xdgEnv };
}

export async function installExtension(entry: string, profile: Profile, vsix: string): Promise<string> {
  const { stdout, stderr } = await run(
    process.execPath,
    [entry, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--install-extension', vsix],
    { env: { ...process.env, ...profile.xdgEnv }, timeoutMs: 120_000 },
  );
  const said = `${stdout}\n${stderr}`;
  if (!/successfully installed/i.test(said)) throw new Error(`code-server did not confirm the install:\n${said.trim()}`);
  return said
    .trim()
    .split('\n')
    .filter((l) => /install/i.test(l))
    .join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function launchCodeServer(entry: string, profile: Profile, runDir: string, env: NodeJS.ProcessEnv): Promise<CodeServer> {
  const port = await freePort();
  const logFile = path.join(runDir, 'code-server.log');
  const server: Managed = start(
    'code-server',
    process.execPath,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      profile.userDataDir,
      '--extensions-dir',
      profile.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--log',
      'info',
    ],
    { env: { ...env, ...profile.xdgEnv }, logFile },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `code-server to answer on ${url}`,
      async () => {
        if (server.child.exitCode !== null) throw new Error(`code-server exited early:\n${server.output().slice(-1500)}`);
        const res = await fetch(`${url}/healthz`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      60_000,
      300,
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url, userDataDir: profile.userDataDir, logFile, output: () => server.output(), stop: () => server.stop() };
}

/** The extension host's log lines for our extension, to quote when something in the editor fails. */
export function extensionHostLogs(userDataDir: string, maxChars = 4000): string {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return '(no logs folder)';
  const files = (fs.readdirSync(logs, { recursive: true }) as string[])
    .filter((f) => /exthost\.log$|remoteexthost\.log$|Digit Dictation.*\.log$|digit-dictation.*\.log$/i.test(f))
    .map((f) => path.join(logs, f));
  return files.map((f) => `--- ${path.relative(userDataDir, f)}\n${fs.readFileSync(f, 'utf8').slice(-maxChars)}`).join('\n');
}
