import {
  BillwerkNotFoundError,
  BillwerkRateLimitedError,
  BillwerkRequestRejectedError,
  BillwerkUnauthorizedError,
  BillwerkUnavailableError,
} from '@app/billwerk-api';
import { classifyBillwerkError, UnusableHookError } from '../workflow/workflow-errors';
import { cloudEventJson } from '../../../../test/fixtures/cloud-events';
import { parseHookEnvelope } from './hook-envelope';

describe('parseHookEnvelope', () => {
  const value = cloudEventJson('DunningCreated', { ContractID: 'c', Extra: [1] }, 'e-1');

  it('reads the event from the CloudEvent type and keeps the body as sent', () => {
    const envelope = JSON.parse(value) as { time: string; data: unknown };
    expect(parseHookEnvelope(value)).toEqual({
      event: 'DunningCreated',
      body: envelope.data,
      envelopeId: 'e-1',
      receivedAt: new Date(envelope.time),
    });
    const late = JSON.stringify({ ...envelope, time: 'soon' });
    expect(parseHookEnvelope(late).receivedAt).toBeNull();
  });

  it.each([
    ['not json', 'the value is not JSON'],
    ['[1]', 'the value is not a JSON object'],
    [value.replace('"billwerk.DunningCreated"', '"other.X"'), 'type must start with "billwerk."'],
    [value.replace(/"data":.*}$/, '"data":"text"}'), 'data must be a JSON object'],
    [value.replace('"retrycount":0,', ''), 'retrycount must be an integer'],
  ])('rejects %s as unusable, naming the problem', (input, problem) => {
    expect(() => parseHookEnvelope(input)).toThrow(UnusableHookError);
    expect(() => parseHookEnvelope(input)).toThrow(problem);
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
