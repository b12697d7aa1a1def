import {
  BillwerkNotFoundError,
  BillwerkRateLimitedError,
  BillwerkRequestRejectedError,
  BillwerkUnauthorizedError,
  BillwerkUnavailableError,
} from '@app/billwerk-api';
import { classifyBillwerkError, UnusableHookError } from '../workflow/workflow-errors';
import { parseHookEnvelope } from './hook-envelope';

describe('parseHookEnvelope', () => {
  it('reads the event from the CloudEvent type and keeps the body as sent', () => {
    const envelope = {
      specversion: '1.0',
      id: 'e-1',
      type: 'billwerk.DunningCreated',
      time: '2026-11-25T12:00:00.000Z',
      data: { Event: 'DunningCreated', ContractID: 'c', Extra: [1] },
    };
    expect(parseHookEnvelope(JSON.stringify(envelope))).toEqual({
      event: 'DunningCreated',
      body: envelope.data,
      envelopeId: 'e-1',
      receivedAt: new Date('2026-11-25T12:00:00.000Z'),
    });
    expect(parseHookEnvelope(JSON.stringify({ ...envelope, time: 'soon' })).receivedAt).toBeNull();
  });

  it.each([
    ['not json', 'message value is not JSON'],
    ['[1]', 'message value is not a JSON object'],
    ['{"type":"other.X","data":{}}', 'CloudEvent type is not billwerk.<Event>'],
    ['{"type":"billwerk.X","data":"text"}', 'CloudEvent data is not a hook body'],
  ])('rejects %s as unusable', (value, message) => {
    expect(() => parseHookEnvelope(value)).toThrow(new UnusableHookError(message));
  });
});

describe('classifyBillwerkError', () => {
  it.each([
    [new BillwerkUnavailableError('getContract', 'HTTP 503'), 'transient'],
    [new BillwerkRateLimitedError('getContract', 'HTTP 429'), 'transient'],
    // Fixed by an operator; the parked hooks then succeed instead of filling the DLQ.
    [new BillwerkUnauthorizedError('getContract', 'refused', 401), 'transient'],
    [new BillwerkRequestRejectedError('getPaymentTransaction', 'HTTP 422', 422), 'permanent'],
    [new BillwerkNotFoundError('getPaymentTransaction', 'not found', 404), 'permanent'],
  ])('%s is %s', (error, expected) => {
    expect(classifyBillwerkError(error)).toBe(expected);
  });
});
