import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, statSync, readdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** The built entry point of an app, as `npm run start:<app>` runs it. */
export function builtMain(app: string): string {
  return join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the apps (`npm run build`) unless every built entry point is newer than every source file
 * of the apps and libs, so a fault run never tests yesterday's code.
 */
export function ensureBuilt(apps: readonly string[], log: (line: string) => void): void {
  const sources = Math.max(
    newestSourceMtime(join(ROOT, 'apps')),
    newestSourceMtime(join(ROOT, 'libs')),
  );
  const stale = apps.filter((app) => {
    const main = builtMain(app);
    return !existsSync(main) || statSync(main).mtimeMs < sources;
  });
  if (stale.length === 0) return;
  log(`building the apps (${stale.join(', ')} out of date)`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
}

export interface AppInstanceOptions {
  /** The app folder under apps/ (its built entry point is run). */
  app: string;
  /** A name for logs and reports, e.g. `audit-1`. */
  name: string;
  /** The app's only environment (plus PATH). */
  env: Record<string, string>;
  /** Where `/health/live` answers once the app is up. */
  port: number;
  /** Every line the process writes goes here (appended across restarts). */
  logFile: string;
  /** Run `apps/<app>/src/main.ts` through ts-node instead of the build (slower to start). */
  fromSource?: boolean;
}

/**
 * One app process a fault test can SIGKILL and start again on the same settings: the built app,
 * as operators run it (or its source), with its output in a log file.
 */
export class AppInstance {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly log: WriteStream;
  /** Times the process was started. */
  starts = 0;

  constructor(private readonly options: AppInstanceOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  /** Starts the process and resolves once `/health/live` answers 200. */
  async start(timeoutMs = 90_000): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const entry = this.options.fromSource
      ? [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          join(ROOT, 'apps', this.options.app, 'src', 'main.ts'),
        ]
      : [builtMain(this.options.app)];
    const child = spawn(process.execPath, entry, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    this.log.write(`--- ${new Date().toISOString()} start #${this.starts} (pid ${child.pid})\n`);
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(`${this.name} exited during start-up (see ${this.options.logFile})`);
      }
      const live = await fetch(`${this.url}/health/live`, { signal: AbortSignal.timeout(1000) })
        .then((answer) => answer.ok)
        .catch(() => false);
      if (live) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.name} not live within ${timeoutMs} ms (see ${this.options.logFile})`);
  }

  /** SIGKILL: no shutdown hook runs; resolves once the process is gone. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM, the app's graceful stop (SIGKILL after `graceMs`). */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.signal('SIGTERM');
    clearTimeout(timer);
  }

  /** Stops the process and closes its log. */
  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.running) this.child?.kill(signal);
    await this.exited;
  }
}
