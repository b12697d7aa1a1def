import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface AppExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an app's real entry point (`apps/<app>/src/main.ts`) as its own process with only the
 * given environment (plus PATH and KAFKA_BROKERS). Once its log says `<app> listening`,
 * `whileRunning` runs and the app gets SIGTERM; resolves with how it exited. `onStdout` sees
 * the output as it comes.
 */
export function runAppProcess(
  app: string,
  env: Record<string, string>,
  whileRunning?: () => Promise<void>,
  onStdout?: (chunk: string) => void,
): Promise<AppExit> {
  return new Promise((resolve, reject) => {
    const main = join(ROOT, 'apps', app, 'src', 'main.ts');
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', main],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
          ...env,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(chunk.toString());
      if (!started && whileRunning && stdout.includes(`${app} listening`)) {
        started = true;
        whileRunning().then(
          () => child.kill('SIGTERM'),
          (error: Error) => {
            child.kill('SIGKILL');
            reject(error);
          },
        );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    // 'close', not 'exit': only then has everything the child wrote to its pipes been read.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TCP port that was free a moment ago, for an app process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningAppProcess {
  /** What the process has written to stdout so far. */
  output(): string;
  /** SIGTERMs the process and resolves with how it exited. */
  stop(): Promise<AppExit>;
}

/**
 * An app's real entry point as its own process, kept running until `stop()`; resolves once it
 * logged `<app> listening`, rejects with its output when it exits before.
 */
export async function startAppProcess(
  app: string,
  env: Record<string, string>,
): Promise<RunningAppProcess> {
  let release: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (release = resolve));
  let listening: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (listening = resolve));
  let stdout = '';
  const exited = runAppProcess(
    app,
    env,
    () => {
      listening();
      return stopped;
    },
    (chunk) => (stdout += chunk),
  );
  await Promise.race([
    started,
    exited.then((exit) => {
      throw new Error(`${app} exited before listening (${exit.code}): ${exit.stderr}`);
    }),
  ]);
  return {
    output: () => stdout,
    stop: () => {
      release();
      return exited;
    },
  };
}
