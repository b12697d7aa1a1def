import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../app-process';

const run = promisify(execFile);

/** The machine's PostgreSQL server binaries (Debian's layout); POSTGRES_BIN overrides. */
function binDir(): string {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error('no PostgreSQL server binaries found (set POSTGRES_BIN to the folder of pg_ctl)');
}

/** The server refuses to run as root: as root, run it as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  const root = process.getuid?.() === 0;
  return root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * A PostgreSQL server that one test owns: its own data directory and port, so the test can stop
 * it (a database outage) and start it again on the same data without touching the shared server.
 */
export class OwnedPostgres {
  private running = false;

  private constructor(
    private readonly bin: string,
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  /**
   * initdb on a fresh temporary folder, then start on `port` (default: any free port); trust auth
   * for the `postgres` user.
   */
  static async start(port?: number): Promise<OwnedPostgres> {
    const bin = binDir();
    const folder = mkdtempSync(join(tmpdir(), 'owned-pg-'));
    // The server user must be able to reach and own its data directory.
    chmodSync(folder, 0o777);
    const dataDir = join(folder, 'data');
    const [cmd, args] = asServerUser(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    await run(cmd, args);
    const server = new OwnedPostgres(bin, dataDir, port ?? (await freePort()));
    await server.resume();
    return server;
  }

  /** A connection URL for `database` (default `postgres`) on this server. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates an empty database and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Stops the server at once (`-m fast`: open connections are cut, as in an outage). */
  async stop(): Promise<void> {
    if (!this.running) return;
    await this.pgCtl(['stop', '-m', 'fast', '-w']);
    this.running = false;
  }

  /** Starts the server again on the same data and port and waits until it accepts connections. */
  async resume(): Promise<void> {
    if (this.running) return;
    await this.pgCtl([
      'start',
      '-w',
      '-l',
      join(this.dataDir, '..', 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
    this.running = true;
  }

  /** Stops the server for `ms`, then starts it again. */
  async outage(ms: number): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.resume();
  }

  /** Stops the server and removes its data; safe to call twice and after a failed test. */
  async destroy(): Promise<void> {
    try {
      if (this.running) await this.pgCtl(['stop', '-m', 'immediate', '-w']);
    } finally {
      this.running = false;
      rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
    }
  }

  private async pgCtl(args: string[]): Promise<void> {
    const [cmd, full] = asServerUser(join(this.bin, 'pg_ctl'), [...args, '-D', this.dataDir]);
    await run(cmd, full);
  }
}
