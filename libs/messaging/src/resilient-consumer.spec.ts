import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { groupMembershipError } from './resilient-consumer';

/** What KafkaJS throws for a broker's error code. */
const protocolError = (type: string) =>
  new KafkaJSProtocolError({ type, code: 0, retriable: true, message: type } as never);

describe('groupMembershipError', () => {
  it('finds the errors after which KafkaJS must rejoin, wrapped by its retrier or not', () => {
    for (const type of [
      'NOT_COORDINATOR_FOR_GROUP',
      'REBALANCE_IN_PROGRESS',
      'ILLEGAL_GENERATION',
      'UNKNOWN_MEMBER_ID',
    ]) {
      const error = protocolError(type);
      expect(groupMembershipError(error)).toBe(error);
      // KafkaJS's retrier wraps with `{ cause }`; its type declarations omit that option.
      const Wrapper = KafkaJSNonRetriableError as unknown as new (
        e: Error,
        options: { cause: Error },
      ) => Error;
      const wrapped = new Wrapper(error, { cause: error });
      expect(groupMembershipError(wrapped)).toBe(error);
    }
  });

  it('leaves every other commit failure alone', () => {
    expect(groupMembershipError(new KafkaJSConnectionError('Connection error: ECONNRESET'))).toBe(
      undefined,
    );
    expect(groupMembershipError(protocolError('REQUEST_TIMED_OUT'))).toBe(undefined);
    expect(groupMembershipError('not an error')).toBe(undefined);
  });
});
