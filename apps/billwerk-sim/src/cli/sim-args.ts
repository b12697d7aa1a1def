import { parsePace, PACE_PROBLEM } from '../scenarios/pace';

/** `npm run sim -- <scenario|list> [--pace 2s] [--hooks N] [--contracts M] [--seed S] [--url URL] [--exit]`. */
export interface SimArgs {
  command: 'list' | 'play';
  scenario?: string;
  params: { hooks?: number; contracts?: number; seed?: number };
  /** Time between two steps, in ms: 2 s by default so a person can follow the play. */
  paceMs: number;
  /** A running simulator to play against; default http://127.0.0.1:$SIM_PORT. */
  url?: string;
  /** When the CLI started its own simulator: stop after playing instead of serving on. */
  exit: boolean;
}

export const DEFAULT_PACE_MS = 2000;

export const SIM_USAGE = `usage: npm run sim -- <scenario|list> [--pace 2s] [--hooks N] [--contracts M] [--seed S] [--url URL] [--exit]
  Plays <scenario> on the simulator at --url (default http://127.0.0.1:$SIM_PORT) one step at a
  time, --pace apart (default 2s; 0 plays every step at once), prints each step and the hooks it
  sent as it happens, and at the end where to see the result. When no simulator answers there,
  starts one in this process (configured by the SIM_* environment) and keeps it serving after the
  play unless --exit is given.`;

export class SimArgsError extends Error {}

const NUMBER_OPTIONS = ['hooks', 'contracts', 'seed'] as const;

export function parseSimArgs(argv: readonly string[]): SimArgs {
  const positional: string[] = [];
  const args: SimArgs = { command: 'play', params: {}, paceMs: DEFAULT_PACE_MS, exit: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--exit') {
      args.exit = true;
    } else if (arg === '--url') {
      args.url = value(argv, ++i, arg);
      if (!URL.canParse(args.url)) throw new SimArgsError(`--url: not a URL: ${args.url}`);
    } else if (arg === '--pace') {
      const raw = value(argv, ++i, arg);
      const paceMs = parsePace(raw);
      if (paceMs === undefined) throw new SimArgsError(`--pace ${PACE_PROBLEM}, got ${raw}`);
      args.paceMs = paceMs;
    } else if (
      arg.startsWith('--') &&
      (NUMBER_OPTIONS as readonly string[]).includes(arg.slice(2))
    ) {
      const raw = value(argv, ++i, arg);
      if (!/^\d+$/.test(raw)) throw new SimArgsError(`${arg}: must be a whole number, got ${raw}`);
      args.params[arg.slice(2) as (typeof NUMBER_OPTIONS)[number]] = Number(raw);
    } else if (arg.startsWith('-')) {
      throw new SimArgsError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new SimArgsError('name exactly one scenario, or "list"');
  if (positional[0] === 'list') return { ...args, command: 'list' };
  return { ...args, scenario: positional[0] };
}

function value(argv: readonly string[], index: number, option: string): string {
  const given = argv[index];
  if (given === undefined || given.startsWith('--'))
    throw new SimArgsError(`${option} needs a value`);
  return given;
}
