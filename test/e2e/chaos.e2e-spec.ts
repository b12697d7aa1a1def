import { runChaos } from '../chaos/chaos-run';
import { failures, formatTable } from '../chaos/tally';

/**
 * CI's short version of `npm run chaos`: the 3-node cluster and the real apps, a few scenarios
 * with fewer kills and shorter faults. Every row must be clean: every acknowledged hook in Kafka
 * and in the audit store once, the chains verifying, no retention action twice, every 2xx under
 * 10 s. The full suite (`npm run chaos`) runs all six scenarios, longer.
 */
const SCENARIOS = ['leader-kill', 'network-stall', 'consumer-kill'];

jest.setTimeout(600_000);

it(`keeps every acknowledged hook exactly once through ${SCENARIOS.join(', ')}`, async () => {
  const { rows, runDir } = await runChaos({
    short: true,
    scenarios: SCENARIOS,
    log: (line) => process.stdout.write(`[chaos] ${line}\n`),
  });
  process.stdout.write(`${formatTable(rows)}\n(logs: ${runDir})\n`);

  expect(rows.map((row) => row.scenario)).toEqual(SCENARIOS);
  expect(Object.fromEntries(rows.map((row) => [row.scenario, failures(row)]))).toEqual(
    Object.fromEntries(SCENARIOS.map((name) => [name, []])),
  );
});
