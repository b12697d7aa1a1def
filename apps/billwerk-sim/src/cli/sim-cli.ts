import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { closeOnSignals, createLogger } from '@app/observability';
import { loadSimConfig } from '../config/sim.config';
import { createSimApp } from '../sim.app';
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
  const response =
    args.command === 'list'
      ? await fetch(`${url}/sim/scenarios`)
      : await fetch(
          `${url}/sim/scenarios/${encodeURIComponent(args.scenario as string)}/play?wait=true`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(args.params),
          },
        );
  const body = (await response.json()) as { deliveries?: string[] };
  if (Array.isArray(body.deliveries) && body.deliveries.length > 20) {
    // A bulk play lists thousands of ids: show how many instead.
    body.deliveries = [`${body.deliveries.length} deliveries (GET ${url}/sim/deliveries)`];
  }
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  return response.ok ? 0 : 1;
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
