import { serializeHookEnvelope } from './cloud-event';
import { EnvelopeParseError, isBillwerkEvent, parseBillwerkEvent } from './envelope-parser';

const ID = '5e1f1c2a9b8d7e6f5a4b3c2d';
const value = serializeHookEnvelope({
  id: 'e1',
  sourceName: 'production',
  event: 'ContractCancelled',
  subject: ID,
  receivedAt: new Date('2026-11-25T10:00:00Z'),
  retryCount: 0,
  rawData: JSON.stringify({ Event: 'ContractCancelled', ContractId: ID, CustomerId: ID }),
});

describe('parseBillwerkEvent', () => {
  it('parses what the ingress publishes, from a Buffer or a string', () => {
    expect(parseBillwerkEvent(Buffer.from(value)).data).toEqual({
      Event: 'ContractCancelled',
      ContractId: ID,
      CustomerId: ID,
    });
    expect(parseBillwerkEvent(value).type).toBe('billwerk.ContractCancelled');
  });

  it.each([
    [null, 'tombstone'],
    ['{', 'not JSON'],
    ['[1]', 'not a JSON object'],
    [JSON.stringify({ ...JSON.parse(value), specversion: '0.3' }), 'specversion'],
    [JSON.stringify({ ...JSON.parse(value), id: '' }), 'id must be'],
    [JSON.stringify({ ...JSON.parse(value), type: 'com.example.X' }), 'type must start'],
    [JSON.stringify({ ...JSON.parse(value), retrycount: '1' }), 'retrycount'],
    [JSON.stringify({ ...JSON.parse(value), data: 'x' }), 'data must be'],
    [JSON.stringify({ ...JSON.parse(value), data: { ContractId: ID } }), 'data.Event'],
  ])('rejects %j saying %s', (input, reason) => {
    expect(() => parseBillwerkEvent(input)).toThrow(EnvelopeParseError);
    expect(() => parseBillwerkEvent(input)).toThrow(reason);
  });
});

describe('isBillwerkEvent', () => {
  it('narrows to the event and types its data', () => {
    const event = parseBillwerkEvent(value);
    expect(isBillwerkEvent(event, 'ContractChanged')).toBe(false);
    if (!isBillwerkEvent(event, 'ContractCancelled')) throw new Error('expected ContractCancelled');
    const contractId: string | undefined = event.data.ContractId;
    expect(contractId).toBe(ID);
  });
});
