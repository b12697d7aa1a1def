import { BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC } from '@app/contracts';
import { parseStartFlags, startTopics } from './cli';
import { KafkaLauncherError } from './local-kafka';

describe('kafka:start flags', () => {
  it('starts one node unless --brokers says 3', () => {
    expect(parseStartFlags([])).toEqual({ nodes: 1, scram: false, tls: false });
    expect(parseStartFlags(['--brokers', '3'])).toEqual({ nodes: 3, scram: false, tls: false });
    expect(parseStartFlags(['--brokers', '1'])).toEqual({ nodes: 1, scram: false, tls: false });
  });

  it('turns SCRAM on with --scram, with or without --brokers', () => {
    expect(parseStartFlags(['--scram'])).toEqual({ nodes: 1, scram: true, tls: false });
    expect(parseStartFlags(['--brokers', '3', '--scram'])).toEqual({
      nodes: 3,
      scram: true,
      tls: false,
    });
  });

  it('turns SCRAM on with --tls too: the TLS listener is SASL_SSL', () => {
    expect(parseStartFlags(['--tls'])).toEqual({ nodes: 1, scram: true, tls: true });
  });

  it('creates, with SCRAM, also retention.actions.v1, which audit reads but may not create', () => {
    expect(startTopics(false)).toEqual([...BILLWERK_TOPICS]);
    expect(startTopics(true)).toEqual([...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC]);
  });

  it('refuses other broker counts and unknown options with one line', () => {
    expect(() => parseStartFlags(['--brokers', '2'])).toThrow(
      new KafkaLauncherError('--brokers takes 1 or 3 (got 2)'),
    );
    expect(() => parseStartFlags(['--brokers'])).toThrow(/got nothing/);
    expect(() => parseStartFlags(['--nodes', '3'])).toThrow(/unknown option --nodes/);
  });
});
