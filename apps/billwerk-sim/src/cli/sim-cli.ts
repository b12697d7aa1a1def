import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { closeOnSignals, createLogger } from '@app/observability';
import { loadSimConfig } from '../config/sim.config';
import { createSimApp } from '../sim.app';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import {
  resultLines,
  startLines,
  stepLines,
  type LocalStack,
  type PlayedStep,
  type PlayStart,
} from './play-report';
import { parseSimArgs, SIM_USAGE, SimArgsError, type SimArgs } from './sim-args';

/** The exit code, or `serving` while the simulator this process started keeps running. */
async function main(): Promise<number | 'serving'> {
  const args = parseSimArgs(process.argv.slice(2));
  const url = args.url ?? `http://127.0.0.1:${process.env.SIM_PORT ?? '3003'}`;
  if (await answers(url)) return run(url, args);

  const config = loadSimConfig(process.env);
  const logger = createLogger('billwerk-sim', config.logLevel);
  const app = await createSimApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  const own = `http://${host}:${config.http.port}`;
  logger.info({ url: own }, 'no simulator was running: started one in this process');
  const code = await run(own, args);
  if (args.exit) {
    await app.close();
    return code;
  }
  logger.info({ url: own }, 'simulator keeps serving; Ctrl-C stops it');
  closeOnSignals(app, logger, 'billwerk-sim');
  return 'serving';
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    // nothing listening there: the caller starts its own simulator
    return false;
  }
}

async function run(url: string, args: SimArgs): Promise<number> {
  if (args.command === 'list') {
    const response = await fetch(`${url}/sim/scenarios`);
    process.stdout.write(`${JSON.stringify(await response.json(), null, 2)}\n`);
    return response.ok ? 0 : 1;
  }
  const play = `${url}/sim/scenarios/${encodeURIComponent(args.scenario as string)}/play`;
  const response = await fetch(`${play}?wait=true&stream=true&pace=${args.paceMs}ms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(args.params),
  });
  if (!response.ok || !response.body) {
    process.stderr.write(`${response.status}: ${await response.text()}\n`);
    return 1;
  }
  let start: PlayStart | undefined;
  let failed = false;
  const lines = createInterface({ input: Readable.fromWeb(response.body), crlfDelay: Infinity });
  for await (const line of lines) {
    const message = JSON.parse(line) as StreamLine;
    if ('play' in message) {
      start = message.play;
      print(startLines(message.play));
    } else if ('step' in message) {
      print(stepLines(message, new Date()));
    } else if ('error' in message) {
      process.stderr.write(`the play failed: ${message.error}\n`);
      failed = true;
    } else if (start) {
      const outcome = message.result.outcome ?? {};
      failed ||= (outcome.dropped ?? 0) > 0;
      print([`hooks: ${JSON.stringify(outcome)}`, ...resultLines(start, localStack())]);
    }
  }
  return failed ? 1 : 0;
}

type StreamLine =
  | { play: PlayStart }
  | PlayedStep
  | { error: string }
  | { result: { outcome?: Record<string, number> } };

function print(lines: string[]): void {
  for (const line of lines) process.stdout.write(`${line}\n`);
}

/** The ports and token `npm start` uses (tools/start/start.ts), so the printed commands just work. */
function localStack(): LocalStack {
  const file = join(process.cwd(), '.data', 'dev-credentials.json');
  const apiToken = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { apiToken?: string }).apiToken
    : undefined;
  return {
    retentionUrl: `http://127.0.0.1:${process.env.RETENTION_PORT ?? '3001'}`,
    auditUrl: `http://127.0.0.1:${process.env.AUDIT_PORT ?? '3002'}`,
    apiToken,
  };
}

main().then(
  (code) => {
    if (code !== 'serving') process.exit(code);
  },
  (error: unknown) => {
    if (!(error instanceof SimArgsError)) exitOnStartupError('sim', error);
    process.stderr.write(`${error.message}\n${SIM_USAGE}\n`);
    process.exit(1);
  },
);
