import type { LoadRecord } from '../support/faults/http-load';
import { failures, formatTable, tally, type TallyInput } from './tally';

function answer(
  loadId: string,
  status: number,
  latencyMs = 5,
  eventId = `e-${loadId}`,
): LoadRecord {
  return {
    id: loadId,
    client: 0,
    status,
    body: status === 202 ? JSON.stringify({ id: eventId }) : '{"statusCode":503}',
    startedAt: 0,
    latencyMs,
  };
}

function clean(overrides: Partial<TallyInput> = {}): TallyInput {
  return {
    scenario: 'leader-kill',
    requests: [answer('1', 202), answer('2', 202), answer('3', 503)],
    hookWrites: [
      { eventId: 'e-1', loadId: '1' },
      { eventId: 'e-2', loadId: '2' },
      // Answered 503, written anyway: neither lost nor a duplicate.
      { eventId: 'e-3', loadId: '3' },
    ],
    audited: ['e-1', 'e-2', 'e-3', 'a-1'],
    auditRows: new Map([
      ['e-1', 1],
      ['e-2', 1],
      ['e-3', 1],
      ['a-1', 1],
    ]),
    auditPositionDuplicates: 0,
    chainVerifies: true,
    actions: [
      {
        id: 'a-1',
        type: 'retention.WinBackOfferRequested',
        contractId: 'c1',
        reason: 'ContractCancelled',
      },
    ],
    storeDuplicates: 0,
    winBackContracts: new Set(['c1']),
    problems: [],
    ...overrides,
  };
}

describe('tally', () => {
  it('passes a scenario in which every acknowledged hook arrived once everywhere', () => {
    const row = tally(clean());
    expect(row).toMatchObject({
      hooksAcked: 2,
      lost: 0,
      duplicatedInKafka: 0,
      auditMissing: 0,
      auditDuplicated: 0,
      actionsDuplicated: 0,
      actionsMissing: 0,
      answered503: 1,
      unexpectedAnswers: 0,
    });
    expect(failures(row)).toEqual([]);
  });

  it('counts an acknowledged hook that is not in Kafka as lost', () => {
    const row = tally(clean({ hookWrites: [{ eventId: 'e-1', loadId: '1' }] }));
    expect(row.lost).toBe(1);
    expect(failures(row)).toContain('lost: 1');
  });

  it('counts a hook written twice, under the same or under a new event id', () => {
    const sameId = tally(
      clean({ hookWrites: [...clean().hookWrites, { eventId: 'e-1', loadId: '1' }] }),
    );
    const newId = tally(
      clean({ hookWrites: [...clean().hookWrites, { eventId: 'x', loadId: '2' }] }),
    );
    expect([sameId.duplicatedInKafka, newId.duplicatedInKafka]).toEqual([1, 1]);
  });

  it('counts audit rows missing, stored twice, or twice at one Kafka position', () => {
    const rows = new Map(clean().auditRows);
    rows.delete('e-2');
    rows.set('e-3', 2);
    const row = tally(clean({ auditRows: rows, auditPositionDuplicates: 1 }));
    expect([row.auditMissing, row.auditDuplicated]).toEqual([1, 2]);
  });

  it('counts an action published twice, decided twice, or owed and never published', () => {
    const offer = clean().actions[0];
    expect(tally(clean({ actions: [offer, offer] })).actionsDuplicated).toBe(1);
    expect(tally(clean({ actions: [offer, { ...offer, id: 'a-2' }] })).actionsDuplicated).toBe(1);
    expect(tally(clean({ storeDuplicates: 2 })).actionsDuplicated).toBe(2);
    expect(tally(clean({ actions: [] })).actionsMissing).toBe(1);
  });

  it('fails a 2xx of 10 s or more, a chain that does not verify, an answer other than 2xx or 503, and no load', () => {
    expect(failures(tally(clean({ requests: [answer('1', 202, 10_000)] })))).toContain(
      'a 2xx took 10000 ms',
    );
    expect(failures(tally(clean({ chainVerifies: false })))).toContain(
      'audit chain does not verify',
    );
    expect(failures(tally(clean({ requests: [...clean().requests, answer('4', 0)] })))).toContain(
      'answers neither 2xx nor 503: 1',
    );
    expect(failures(tally(clean({ requests: [] })))).toContain('no hook was acknowledged');
  });

  it('prints one aligned table with a row per scenario', () => {
    const table = formatTable([tally(clean()), tally(clean({ scenario: 'db-outage' }))]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| scenario +\| hooks acked \| lost \| duplicated in Kafka \|/);
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[2]).toMatch(/\| +yes \|/);
  });
});
