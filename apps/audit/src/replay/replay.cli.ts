import 'reflect-metadata';
import { ConfigValidationError } from '@app/config';
import { AcknowledgedProducer, createKafka } from '@app/messaging';
import { createLogger } from '@app/observability';
import type { Kafka } from 'kafkajs';
import { openAuditDatabase } from '../audit-log/audit-data-source';
import { AuditLogRepository } from '../audit-log/audit-log.repository';
import { loadAuditReplayConfig } from '../config/audit.config';
import { parseReplayArgs, ReplayArgumentError, type ReplayCommand } from './replay-args';
import { ReplayStateStore, UnknownReplayError, type ReplayState } from './replay-state';
import { Replayer } from './replayer';

export interface ReplayCliOptions {
  env: Record<string, string | undefined>;
  stateFolder: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  signal?: AbortSignal;
  batchSize?: number;
  /** Seconds between progress lines on long runs. */
  progressEverySeconds?: number;
}

/** Exit codes: 0 done, 1 failure, 2 bad arguments, 130 interrupted (resumable). */
export const EXIT = { ok: 0, failed: 1, badArguments: 2, interrupted: 130 } as const;

async function requireTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Never created here: a typo must fail, not fill a new topic with replayed events.
    if (!(await admin.listTopics()).includes(topic)) {
      throw new ReplayArgumentError('--topic', `topic "${topic}" does not exist (create it first)`);
    }
  } finally {
    await admin.disconnect();
  }
}

async function execute(command: ReplayCommand, options: ReplayCliOptions): Promise<number> {
  const config = loadAuditReplayConfig(options.env);
  const states = new ReplayStateStore(options.stateFolder);
  // Before connecting anywhere: an unknown id is an argument problem.
  const state: ReplayState =
    command.kind === 'start'
      ? { replayId: command.replayId, selection: command.selection, published: 0, finished: false }
      : await states.load(command.replayId);
  const { selection } = state;
  const logger = createLogger('audit-replay', config.logLevel);
  const kafka = createKafka({ ...config.kafka, clientId: 'billwerk-audit-replay' }, logger);
  const dryRun = command.kind === 'start' && command.dryRun;
  if (!dryRun) await requireTopic(kafka, selection.topic);
  const { dataSource } = await openAuditDatabase(config.database, { migrate: false });
  const producer = new AcknowledgedProducer(kafka, logger);
  let lastLine = 0;
  const replayer = new Replayer(
    new AuditLogRepository(dataSource),
    states,
    (batches) => producer.send(batches),
    {
      batchSize: options.batchSize ?? 500,
      signal: options.signal,
      onBatch: ({ replayId, published, reached }) => {
        const now = Date.now();
        if (now - lastLine < (options.progressEverySeconds ?? 5) * 1000) return;
        lastLine = now;
        options.stderr(`${replayId}: ${published} events published, reached ${reached}`);
      },
    },
  );
  try {
    if (dryRun) {
      const counts = await replayer.count(selection);
      const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
      for (const [type, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
        options.stdout(`${type}\t${count}`);
      }
      options.stdout(`total\t${total}\t(dry run: nothing published to ${selection.topic})`);
      return EXIT.ok;
    }
    options.stderr(`${command.replayId}: replaying to ${selection.topic}`);
    const outcome = await replayer.run(state);
    if (!outcome.finished) {
      options.stderr(
        `${command.replayId}: interrupted after ${outcome.published} events; continue with --resume ${command.replayId}`,
      );
      return EXIT.interrupted;
    }
    options.stdout(`${command.replayId}: done, ${outcome.published} events published`);
    return EXIT.ok;
  } finally {
    await producer.disconnect();
    await dataSource.destroy();
  }
}

/** `npm run replay -- …`: resolves to the process exit code; every failure is one stderr line. */
export async function runReplayCli(argv: string[], options: ReplayCliOptions): Promise<number> {
  try {
    return await execute(parseReplayArgs(argv), options);
  } catch (error) {
    if (error instanceof ReplayArgumentError) {
      options.stderr(`replay: ${error.message}`);
      return EXIT.badArguments;
    }
    if (error instanceof UnknownReplayError) {
      options.stderr(`replay: --resume: ${error.message}`);
      return EXIT.badArguments;
    }
    if (error instanceof ConfigValidationError) {
      for (const problem of error.problems) options.stderr(`replay: config error: ${problem}`);
      return EXIT.failed;
    }
    options.stderr(`replay: failed: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  const abort = new AbortController();
  // The first Ctrl-C finishes the batch in flight and saves the cursor; a second one kills.
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  void runReplayCli(process.argv.slice(2), {
    env: process.env,
    stateFolder: '.data/replays',
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    signal: abort.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}
