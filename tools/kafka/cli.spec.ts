import { parseStartFlags } from './cli';
import { KafkaLauncherError } from './local-kafka';

describe('kafka:start flags', () => {
  it('starts one node unless --brokers says 3', () => {
    expect(parseStartFlags([])).toEqual({ nodes: 1 });
    expect(parseStartFlags(['--brokers', '3'])).toEqual({ nodes: 3 });
    expect(parseStartFlags(['--brokers', '1'])).toEqual({ nodes: 1 });
  });

  it('refuses other broker counts and unknown options with one line', () => {
    expect(() => parseStartFlags(['--brokers', '2'])).toThrow(
      new KafkaLauncherError('--brokers takes 1 or 3 (got 2)'),
    );
    expect(() => parseStartFlags(['--brokers'])).toThrow(/got nothing/);
    expect(() => parseStartFlags(['--nodes', '3'])).toThrow(/unknown option --nodes/);
  });
});
