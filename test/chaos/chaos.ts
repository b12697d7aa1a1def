/**
 * `npm run chaos [-- --short] [--scenario <name>]…`: the replication-test-style fault suite
 * against a 3-node cluster and the real apps; prints one table and exits 1 unless every row is
 * clean.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos-run';
import { SCENARIOS } from './scenarios';
import { failures, formatTable } from './tally';

const USAGE = `usage: npm run chaos -- [--short] [--scenario <name>]…
scenarios: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`;

function log(line: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<number> {
  let values: { short?: boolean; scenario?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        short: { type: 'boolean' },
        scenario: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { rows, runDir } = await runChaos({
    short: values.short ?? false,
    scenarios: values.scenario ?? [],
    log,
  });
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  const failed = rows.flatMap((row) => failures(row).map((why) => `${row.scenario}: ${why}`));
  for (const line of failed) process.stdout.write(`FAILED ${line}\n`);
  for (const row of rows) {
    for (const detail of row.details.slice(0, 20))
      process.stdout.write(`  ${row.scenario}: ${detail}\n`);
  }
  process.stdout.write(
    failed.length === 0 ? 'every row clean\n' : `logs of every process: ${runDir}\n`,
  );
  return failed.length === 0 && rows.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
