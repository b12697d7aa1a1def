import { EVENT_TYPE_PREFIX } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

/** A bad command line: names the argument and the problem; the CLI exits with 2. */
export class ReplayArgumentError extends Error {
  readonly code = 'REPLAY_BAD_ARGUMENT';

  constructor(
    readonly argument: string,
    readonly problem: string,
  ) {
    super(`${argument}: ${problem}`);
    this.name = 'ReplayArgumentError';
  }
}

/** What a run selects and where it goes; persisted with the cursor so a resume replays the same. */
export interface ReplaySelection {
  /** Inclusive lower bound on the envelope's `time` (ISO). */
  from: string;
  /** Exclusive upper bound on the envelope's `time` (ISO). */
  to: string;
  type?: string;
  customerId?: string;
  topic: string;
}

export type ReplayCommand =
  | { kind: 'start'; replayId: string; selection: ReplaySelection; dryRun: boolean }
  | { kind: 'resume'; replayId: string };

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  type: { type: 'string' },
  customer: { type: 'string' },
  topic: { type: 'string' },
  'dry-run': { type: 'boolean' },
  resume: { type: 'string' },
} as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
/** Kafka's own rule for topic names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
/** Replay ids name a state file: nothing that could leave `.data/replays/`. */
const REPLAY_ID = /^[A-Za-z0-9_-]{1,64}$/;

function time(argument: string, value: string | undefined): string {
  if (value === undefined) throw new ReplayArgumentError(argument, 'is required');
  const parsed = new Date(value);
  if (!RFC3339.test(value) || Number.isNaN(parsed.getTime())) {
    throw new ReplayArgumentError(argument, `"${value}" is not an RFC 3339 time with a zone`);
  }
  return parsed.toISOString();
}

function text(argument: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') {
    throw new ReplayArgumentError(argument, 'must not be empty');
  }
  return value;
}

/** Parses `npm run replay -- …`; throws ReplayArgumentError. */
export function parseReplayArgs(argv: string[]): ReplayCommand {
  let values: {
    [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // node:util names the offending argument in its message, e.g. "Unknown option '--form'".
    throw new ReplayArgumentError('arguments', (error as Error).message);
  }
  if (values.resume !== undefined) {
    const others = Object.keys(values).filter((name) => name !== 'resume');
    if (others.length > 0) {
      throw new ReplayArgumentError(
        `--${others[0]}`,
        'cannot be combined with --resume (the run keeps the selection it started with)',
      );
    }
    if (!REPLAY_ID.test(values.resume)) {
      throw new ReplayArgumentError('--resume', 'must be a replay id printed by an earlier run');
    }
    return { kind: 'resume', replayId: values.resume };
  }
  const from = time('--from', values.from);
  const to = time('--to', values.to);
  if (from >= to) throw new ReplayArgumentError('--to', 'must be later than --from');
  const topic = text('--topic', values.topic);
  if (topic === undefined) throw new ReplayArgumentError('--topic', 'is required');
  if (!TOPIC_NAME.test(topic)) {
    throw new ReplayArgumentError('--topic', `"${topic}" is not a valid Kafka topic name`);
  }
  const type = text('--type', values.type);
  const customerId = text('--customer', values.customer);
  return {
    kind: 'start',
    // Short enough to type into --resume, unique enough for one operator's runs.
    replayId: `replay-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`,
    selection: {
      from,
      to,
      topic,
      // `--type ContractChanged` and `--type billwerk.ContractChanged` select the same events.
      ...(type === undefined
        ? {}
        : { type: type.startsWith(EVENT_TYPE_PREFIX) ? type : EVENT_TYPE_PREFIX + type }),
      ...(customerId === undefined ? {} : { customerId }),
    },
    dryRun: values['dry-run'] === true,
  };
}
