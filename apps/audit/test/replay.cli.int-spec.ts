import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { TEST_DATABASES, type TestDatabase } from '../../../test/support/databases';
import { createTopics, testBrokers, testKafka, uniqueName } from '../../../test/support/kafka';
import { endOffsets, readBetween, type ReadMessage } from '../../../test/support/topic-reader';
import { auditRecord, TEST_LINKER } from './audit-fixtures';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { openAuditDatabase } from '../src/audit-log/audit-data-source';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import type { AuditRecord } from '../src/audit-log/audit-record';
import { EXIT, runReplayCli, type ReplayCliOptions } from '../src/replay/replay.cli';

// The project-level testTimeout is not applied by Jest 30; these wait on Kafka and databases.
jest.setTimeout(120_000);

const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-11-02T00:00:00.000Z';
const CUSTOMER = billwerkId(20);

/** Row `index` of the seed: inside the window unless it is one of the edges. */
function seedRecord(
  index: number,
  receivedAt: string,
  overrides: Partial<AuditRecord> = {},
): AuditRecord {
  const contractId = billwerkId(100 + index);
  return auditRecord({
    offset: String(index),
    receivedAt,
    subject: contractId,
    contractId,
    data: {
      Event: 'ContractChanged',
      ContractId: contractId,
      CustomerId: billwerkId(2),
      Amount: 12.5,
    },
    headers: { 'content-type': 'application/cloudevents+json', traceparent: `00-${index}-01` },
    ...overrides,
  });
}

/** Seven events in the window (two for CUSTOMER, one PaymentFailed) and one on each edge outside it. */
function seed(): AuditRecord[] {
  const at = (minute: number): string => new Date(Date.parse(FROM) + minute * 60_000).toISOString();
  return [
    seedRecord(0, '2026-10-31T23:59:59.999Z'),
    seedRecord(1, at(0)),
    seedRecord(2, at(1), { customerId: CUSTOMER }),
    seedRecord(3, at(2), { type: 'billwerk.PaymentFailed' }),
    seedRecord(4, at(3)),
    seedRecord(5, at(4), { customerId: CUSTOMER, type: 'billwerk.PaymentFailed' }),
    seedRecord(6, at(5)),
    seedRecord(7, at(6)),
    seedRecord(8, TO),
  ];
}

/** The envelope the ingress published for a row, spelled out independently of the replayer. */
function expectedEnvelope(record: AuditRecord): unknown {
  return {
    specversion: '1.0',
    id: record.eventId,
    source: record.source,
    type: record.type,
    subject: record.subject,
    time: record.receivedAt,
    datacontenttype: 'application/json',
    retrycount: record.retryCount,
    data: record.data,
  };
}

describe.each(TEST_DATABASES)('npm run replay on %s', (_kind, createDatabase) => {
  const kafka = testKafka();
  let database: TestDatabase;
  let dataSource: DataSource;
  let stateFolder: string;
  let topic: string;
  let records: AuditRecord[];
  let stdout: string[];
  let stderr: string[];

  function options(overrides: Partial<ReplayCliOptions> = {}): ReplayCliOptions {
    return {
      env: {
        DATABASE_URL: database.url,
        AUDIT_SQLITE_PATH: database.sqlitePath,
        KAFKA_BROKERS: testBrokers().join(','),
        LOG_LEVEL: 'error',
      },
      stateFolder,
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
      batchSize: 2,
      progressEverySeconds: 0,
      ...overrides,
    };
  }

  async function replayed(run: () => Promise<number>, code: number): Promise<ReadMessage[]> {
    const before = await endOffsets(kafka, [topic]);
    expect(await run()).toBe(code);
    return readBetween(kafka, before, await endOffsets(kafka, [topic]));
  }

  function expectReplayOf(
    messages: ReadMessage[],
    selected: AuditRecord[],
    replayId: string,
  ): void {
    const byId = new Map(selected.map((record) => [record.eventId, record]));
    const ids = messages.map((message) => (JSON.parse(message.value) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...byId.keys()].sort());
    for (const message of messages) {
      const record = byId.get((JSON.parse(message.value) as { id: string }).id) as AuditRecord;
      expect(JSON.parse(message.value)).toStrictEqual(expectedEnvelope(record));
      expect(message.key).toBe(record.subject);
      expect(message.headers).toEqual({
        ...record.headers,
        replayed: 'true',
        'replay-id': replayId,
      });
    }
  }

  beforeEach(async () => {
    database = await createDatabase();
    ({ dataSource } = await openAuditDatabase(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 2 },
      { migrate: true },
    ));
    records = seed();
    await new AuditLogRepository(dataSource, TEST_LINKER).appendIfAbsent(
      records[0].topic,
      0,
      records,
    );
    stateFolder = mkdtempSync(join(tmpdir(), 'replay-state-'));
    topic = uniqueName('replay-test');
    await createTopics(kafka, [topic]);
    stdout = [];
    stderr = [];
  });

  afterEach(async () => {
    await dataSource.destroy();
    await database.drop();
    rmSync(stateFolder, { recursive: true, force: true });
  });

  const window = (): string[] => ['--from', FROM, '--to', TO, '--topic', topic];
  const replayIdOf = (): string => /^(replay-\S+):/.exec(stderr[0])?.[1] ?? 'none';

  it('publishes exactly the window, with the original envelope, key and headers', async () => {
    const messages = await replayed(() => runReplayCli(window(), options()), EXIT.ok);
    expectReplayOf(messages, records.slice(1, 8), replayIdOf());
    expect(stdout.at(-1)).toBe(`${replayIdOf()}: done, 7 events published`);
    expect(stderr.some((line) => line.includes('events published, reached'))).toBe(true);
  });

  it('narrows by type and by customer', async () => {
    const messages = await replayed(
      () =>
        runReplayCli([...window(), '--type', 'PaymentFailed', '--customer', CUSTOMER], options()),
      EXIT.ok,
    );
    expectReplayOf(messages, [records[5]], replayIdOf());
    stderr = [];
    const byCustomer = await replayed(
      () => runReplayCli([...window(), '--customer', CUSTOMER], options()),
      EXIT.ok,
    );
    expectReplayOf(byCustomer, [records[2], records[5]], replayIdOf());
  });

  it('counts per type on a dry run and publishes nothing', async () => {
    const messages = await replayed(
      () => runReplayCli([...window(), '--dry-run'], options()),
      EXIT.ok,
    );
    expect(messages).toEqual([]);
    expect(stdout).toEqual([
      'billwerk.ContractChanged\t5',
      'billwerk.PaymentFailed\t2',
      `total\t7\t(dry run: nothing published to ${topic})`,
    ]);
  });

  it('resumes an interrupted run where the broker acknowledged it, publishing nothing twice', async () => {
    const abort = new AbortController();
    const first = await replayed(
      () =>
        runReplayCli(
          window(),
          options({
            signal: abort.signal,
            // Stops the run after its first acknowledged batch, as Ctrl-C would.
            stderr: (line) => {
              stderr.push(line);
              if (line.includes('events published')) abort.abort();
            },
          }),
        ),
      EXIT.interrupted,
    );
    const replayId = replayIdOf();
    expect(first).toHaveLength(2);
    expect(stderr.at(-1)).toContain(`--resume ${replayId}`);
    const rest = await replayed(() => runReplayCli(['--resume', replayId], options()), EXIT.ok);
    expectReplayOf([...first, ...rest], records.slice(1, 8), replayId);
  });

  it('rejects bad arguments with one line and exit 2', async () => {
    expect(await runReplayCli(['--from', 'soon', '--to', TO, '--topic', topic], options())).toBe(
      EXIT.badArguments,
    );
    expect(
      await runReplayCli([...window().slice(0, 4), '--topic', `${topic}-typo`], options()),
    ).toBe(EXIT.badArguments);
    expect(await runReplayCli(['--resume', 'replay-unknown'], options())).toBe(EXIT.badArguments);
    expect(stderr).toEqual([
      'replay: --from: "soon" is not an RFC 3339 time with a zone',
      `replay: --topic: topic "${topic}-typo" does not exist (create it first)`,
      'replay: --resume: no replay state named replay-unknown',
    ]);
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain(`${topic}-typo`);
    await admin.disconnect();
  });
});
