import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TEST_DATABASES, type TestDatabase } from '../../../test/support/databases';
import {
  createTopics,
  produce,
  testBrokers,
  testKafka,
  uniqueName,
} from '../../../test/support/kafka';
import { endOffsets, readBetween } from '../../../test/support/topic-reader';
import { waitFor } from '../../../test/support/wait-for';
import { openAuditDatabase } from '../src/audit-log/audit-data-source';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import { AuditLogService } from '../src/audit-log/audit-log.service';
import { ChainVerifier } from '../src/audit-log/chain-verifier';
import { EXIT, runReplayCli } from '../src/replay/replay.cli';
import { TEST_CHAIN_KEYS, TEST_LINKER } from './audit-fixtures';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { countRows, startAuditConsumer, type RunningConsumer } from './consumer-harness';

jest.setTimeout(120_000);

/**
 * A value no JSON.parse/JSON.stringify round trip survives: a 20-digit integer (past 2^53),
 * `1.50` and `1e3` spelled as billwerk spelled them, keys out of order, spaces and non-ASCII text.
 */
function exoticValue(id: string): string {
  const contract = billwerkId(77);
  return (
    `{"specversion":"1.0","id":"${id}","source":"billwerk/default","type":"billwerk.PaymentSucceeded",` +
    `"subject":"${contract}","time":"2026-11-01T10:00:00.000Z","datacontenttype":"application/json",` +
    `"retrycount":0,"data":{"Event":"PaymentSucceeded","ContractId":"${contract}",` +
    `"TransactionNumber": 12345678901234567890,"Amount":1.50,"Fee":1e3,"Note":"Grüße 💶","A":[ 1.0 ]}}`
  );
}

describe.each(TEST_DATABASES)('the value as consumed, on %s', (_kind, createDatabase) => {
  const kafka = testKafka();
  let database: TestDatabase;
  let dataSource: DataSource;
  let running: RunningConsumer | undefined;
  let stateFolder: string;

  beforeEach(async () => {
    database = await createDatabase();
    ({ dataSource } = await openAuditDatabase(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 2 },
      { migrate: true },
    ));
    stateFolder = mkdtempSync(join(tmpdir(), 'byte-exact-'));
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await dataSource.destroy();
    await database.drop();
    rmSync(stateFolder, { recursive: true, force: true });
  });

  it('is stored, exported and replayed byte for byte', async () => {
    const topic = uniqueName('audit-test.payment.v1');
    const replayTopic = uniqueName('audit-test.replayed.v1');
    await createTopics(kafka, [topic, replayTopic, `${topic}.dlq`]);
    const id = randomUUID();
    const value = exoticValue(id);
    await produce(kafka, topic, [{ key: billwerkId(77), value: Buffer.from(value, 'utf8') }]);
    running = await startAuditConsumer({
      dataSource,
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
      groupId: uniqueName('audit-test-group'),
    });
    await waitFor('the row', async () => (await countRows(dataSource)) === 1);
    await running.stop();
    running = undefined;

    const repository = new AuditLogRepository(dataSource, TEST_LINKER);
    const stored = await repository.findByEventId(id);
    expect(stored?.rawValue).toBe(value);

    const lines: string[] = [];
    const service = new AuditLogService(
      repository,
      new ChainVerifier(repository, TEST_CHAIN_KEYS, null),
    );
    for await (const line of service.exportLines({
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
    })) {
      lines.push(line);
    }
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0]) as { value: string }).value).toBe(value);
    // The digits are on the wire as they came, not a rounded double.
    expect(lines[0]).toContain('12345678901234567890');
    expect(lines[0]).toContain('\\"Amount\\":1.50,\\"Fee\\":1e3');

    const before = await endOffsets(kafka, [replayTopic]);
    const code = await runReplayCli(
      ['--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00Z', '--topic', replayTopic],
      {
        env: {
          DATABASE_URL: database.url,
          AUDIT_SQLITE_PATH: database.sqlitePath,
          KAFKA_BROKERS: testBrokers().join(','),
          LOG_LEVEL: 'error',
        },
        stateFolder,
        stdout: () => undefined,
        stderr: () => undefined,
        progressEverySeconds: 0,
      },
    );
    expect(code).toBe(EXIT.ok);
    const [replayed] = await readBetween(kafka, before, await endOffsets(kafka, [replayTopic]));
    expect(Buffer.from(replayed.value, 'utf8').equals(Buffer.from(value, 'utf8'))).toBe(true);
  });
});
