import { PublishFailedError, type TopicBatch } from '@app/messaging';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { auditRecords, TEST_LINKER } from '../../test/audit-fixtures';
import { openAuditDatabase } from '../audit-log/audit-data-source';
import { AuditLogRepository } from '../audit-log/audit-log.repository';
import type { AuditRecord } from '../audit-log/audit-record';
import type { ReplaySelection } from './replay-args';
import { ReplayStateStore } from './replay-state';
import { Replayer } from './replayer';

const SELECTION: ReplaySelection = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-02T00:00:00.000Z',
  topic: 'replay.target',
};

describe('Replayer', () => {
  let folder: string;
  let dataSource: DataSource;
  let repository: AuditLogRepository;
  let states: ReplayStateStore;
  let records: AuditRecord[];

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'replayer-'));
    ({ dataSource } = await openAuditDatabase(
      { sqlitePath: join(folder, 'audit.sqlite'), poolSize: 1 },
      { migrate: true },
    ));
    repository = new AuditLogRepository(dataSource, TEST_LINKER);
    states = new ReplayStateStore(join(folder, 'replays'));
    records = auditRecords(5, 0, (index) => ({
      receivedAt: `2026-11-01T10:00:0${index}.000Z`,
    }));
    await repository.appendIfAbsent(records[0].topic, 0, records);
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  const idsOf = (batches: TopicBatch[]): string[] =>
    batches.flatMap((batch) =>
      batch.messages.map((message) => (JSON.parse(String(message.value)) as { id: string }).id),
    );

  it('keeps the cursor at the last acknowledged batch when a send fails', async () => {
    const acknowledged: TopicBatch[] = [];
    let sends = 0;
    const failing = new Replayer(
      repository,
      states,
      (batches) => {
        sends += 1;
        if (sends === 2) return Promise.reject(new Error('broker gone'));
        acknowledged.push(...batches);
        return Promise.resolve();
      },
      { batchSize: 2 },
    );
    const state = { replayId: 'r1', selection: SELECTION, published: 0, finished: false };
    await expect(failing.run(state)).rejects.toBeInstanceOf(PublishFailedError);
    const saved = await states.load('r1');
    expect(saved).toEqual(
      expect.objectContaining({
        published: 2,
        finished: false,
        after: { receivedAt: records[1].receivedAt, seq: expect.any(String) },
      }),
    );

    const resumed: TopicBatch[] = [];
    const working = new Replayer(
      repository,
      states,
      (batches) => {
        resumed.push(...batches);
        return Promise.resolve();
      },
      { batchSize: 2 },
    );
    expect(await working.run(saved)).toEqual({ published: 5, finished: true });
    expect([...idsOf(acknowledged), ...idsOf(resumed)]).toEqual(
      records.map((record) => record.eventId),
    );
  });
});
