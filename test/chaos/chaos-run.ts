import { join } from 'node:path';
import { runScenario, type ChaosSettings } from './run-scenario';
import { SCENARIOS } from './scenarios';
import { failures, type ScenarioRow } from './tally';
import { Topology } from './topology';

const ROOT = join(__dirname, '..', '..');

export interface ChaosOptions extends ChaosSettings {
  /** Names of the scenarios to run, in the library's order; all when empty. */
  scenarios: readonly string[];
  log: (line: string) => void;
}

export interface ChaosReport {
  rows: ScenarioRow[];
  /** Where every process's log of the run is. */
  runDir: string;
}

/** Rejects a scenario name the library does not have, naming the ones it has. */
export function selectScenarios(names: readonly string[]): typeof SCENARIOS {
  const known = SCENARIOS.map((scenario) => scenario.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.join(', ')} (scenarios: ${known.join(', ')})`);
  }
  return names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
}

/**
 * Starts the whole system once, runs the scenarios one after the other (each drained and checked
 * before the next), and stops everything again. A scenario that could not finish its fault stops
 * the run: what follows would test a broken system.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const scenarios = selectScenarios(options.scenarios);
  const runDir = join(ROOT, '.cache', 'chaos', new Date().toISOString().replace(/[:.]/g, '-'));
  options.log(`logs of every process: ${runDir}`);
  const topology = await Topology.start({ runDir, log: options.log, proxied: true });
  const rows: ScenarioRow[] = [];
  const stopping = () => {
    void topology.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopping);
  try {
    for (const scenario of scenarios) {
      const row = await runScenario(topology, scenario, options, options.log);
      rows.push(row);
      const failed = failures(row);
      options.log(`${scenario.name}: ${failed.length === 0 ? 'ok' : failed.join('; ')}`);
      if (row.problems.length > 0) break;
    }
  } finally {
    process.removeListener('SIGINT', stopping);
    await topology.stop();
  }
  return { rows, runDir };
}
