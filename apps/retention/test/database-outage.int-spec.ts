/**
 * Retention's Postgres stops for ~20 s while hooks keep arriving: consumption pauses (no crash,
 * no rebalance loop, billwerk not asked again for hooks already fetched), readiness says 503,
 * and once the database is back every hook is processed once, nothing lost or stored twice.
 */
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { OwnedPostgres } from '../../../test/support/faults/owned-postgres';
import { RetentionCaseEntity } from '../src/persistence/entities/retention-case.entity';
import { FakeBillwerk } from './fake-billwerk';
import {
  drained,
  HookPublisher,
  startGroupAtEnd,
  startRetention,
  testKafka,
  type RunningRetention,
} from './retention-harness';

const DAY = 24 * 3600 * 1000;
const HOOKS = 30;

describe('retention while its database is down', () => {
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let postgres: OwnedPostgres;
  let retention: RunningRetention;
  let hooks: HookPublisher;
  const logs: Array<Record<string, unknown>> = [];
  const groupId = `retention-db-outage-${randomUUID()}`;

  beforeAll(async () => {
    kafka = testKafka();
    billwerk = new FakeBillwerk();
    await billwerk.start();
    postgres = await OwnedPostgres.start();
    const url = await postgres.createDatabase('retention_outage');
    await startGroupAtEnd(kafka, groupId);
    retention = await startRetention({
      database: { url, sqlitePath: '', drop: () => Promise.resolve() },
      billwerkUrl: billwerk.url,
      groupId,
      logs,
    });
    hooks = new HookPublisher(kafka);
  });

  afterAll(async () => {
    await hooks?.close();
    await retention?.close();
    await postgres?.destroy();
    await billwerk?.stop();
  });

  it('pauses, reports not ready, resumes by itself and handles every hook once', async () => {
    const contracts = Array.from({ length: HOOKS }, () =>
      billwerk.addContract({ EndDate: new Date(Date.now() + 30 * DAY).toISOString() }),
    );
    const readiness: number[] = [];
    let publishing = true;
    const probe = (async () => {
      while (publishing) {
        readiness.push((await fetch(`${retention.url}/health/ready`)).status);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    const outage = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await postgres.outage(20_000);
    })();
    // One hook every 0.8 s: before, during and after the outage.
    for (const contract of contracts) {
      await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
      await new Promise((resolve) => setTimeout(resolve, 800));
    }
    await outage;
    await drained(kafka, groupId, retention.dataSource);
    publishing = false;
    await probe;

    const cases = await retention.dataSource.manager.find(RetentionCaseEntity);
    const perContract = contracts.map((c) => cases.filter((row) => row.contractId === c.Id).length);
    const fetchedTwice = contracts.filter((c) => (billwerk.contractReads.get(c.Id) ?? 0) > 1);
    const crashes = logs.filter((line) => /crashed/i.test(String(line.msg))).length;
    const joins = logs.filter((line) => /joined (the consumer|its) group/.test(String(line.msg)));
    expect({
      missing: perContract.filter((n) => n === 0).length,
      twice: perContract.filter((n) => n > 1).length,
      fetchedTwice: fetchedTwice.length,
      crashes,
      joins: joins.length,
      notReadySeen: readiness.includes(503),
      readyAtEnd: readiness[readiness.length - 1],
    }).toEqual({
      missing: 0,
      twice: 0,
      fetchedTwice: 0,
      crashes: 0,
      joins: 1,
      notReadySeen: true,
      readyAtEnd: 200,
    });
  });
});
