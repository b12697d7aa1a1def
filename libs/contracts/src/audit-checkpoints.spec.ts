import {
  auditCheckpointKey,
  AuditCheckpointFormatError,
  parseAuditCheckpoint,
  type AuditCheckpoint,
} from './audit-checkpoints';

const checkpoint: AuditCheckpoint = {
  group: 'billwerk-audit',
  topic: 'billwerk.contract.v1',
  partition: 2,
  offset: '41',
  seq: '1007',
  hash: 'a'.repeat(64),
  keyId: 'k1',
  at: '2026-12-03T06:00:00.000Z',
};

describe('audit checkpoints', () => {
  it('parse back as written, a legacy head (keyId null) included', () => {
    expect(parseAuditCheckpoint(JSON.stringify(checkpoint))).toEqual(checkpoint);
    const legacy = { ...checkpoint, keyId: null };
    expect(parseAuditCheckpoint(JSON.stringify(legacy))).toEqual(legacy);
    expect(auditCheckpointKey('billwerk-audit', 'billwerk.contract.v1', 2)).toBe(
      'billwerk-audit/billwerk.contract.v1/2',
    );
  });

  it.each([
    ['not json', 'checkpoint is not JSON'],
    [JSON.stringify({ ...checkpoint, seq: 1007 }), 'checkpoint seq is missing or malformed'],
    [JSON.stringify({ ...checkpoint, hash: 'xyz' }), 'checkpoint hash is missing or malformed'],
    [JSON.stringify({ ...checkpoint, partition: -1 }), 'checkpoint partition'],
    [JSON.stringify({ ...checkpoint, keyId: 5 }), 'checkpoint keyId'],
    ['null', 'checkpoint is not a JSON object'],
  ])('refuse %s', (value, problem) => {
    expect(() => parseAuditCheckpoint(value)).toThrow(AuditCheckpointFormatError);
    expect(() => parseAuditCheckpoint(value)).toThrow(problem);
  });
});
