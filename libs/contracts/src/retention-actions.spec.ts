import { retentionActionMessage, type RetentionActionData } from './retention-actions';

const data: RetentionActionData = {
  action: 'WinBackOfferRequested',
  caseId: '0b6f0c1e-6d1a-4b8e-9d0c-1f2e3d4c5b6a',
  caseKind: 'win-back',
  reason: 'ContractCancelled',
  contractId: '6560f0c2a9b8d7e6f5a4b3c2',
  customerId: null,
  planVariantId: null,
  offer: { discountId: '64b000000000000000000001' },
  endDate: '2026-12-31T00:00:00.000Z',
  dueAt: '2026-11-25T12:00:00.000Z',
  contact: null,
};

describe('retentionActionMessage', () => {
  it('is a structured CloudEvent keyed by the contract, with the ce_* headers', () => {
    const message = retentionActionMessage('a-1', '2026-11-25T12:00:01.000Z', data);
    expect(message.key).toBe(data.contractId);
    expect(JSON.parse(message.value)).toEqual({
      specversion: '1.0',
      id: 'a-1',
      source: 'billwerk-bridge/retention',
      type: 'retention.WinBackOfferRequested',
      subject: data.contractId,
      time: '2026-11-25T12:00:01.000Z',
      datacontenttype: 'application/json',
      data,
    });
    expect(message.headers).toEqual({
      'content-type': 'application/cloudevents+json',
      ce_id: 'a-1',
      ce_type: 'retention.WinBackOfferRequested',
      ce_source: 'billwerk-bridge/retention',
    });
  });
});
