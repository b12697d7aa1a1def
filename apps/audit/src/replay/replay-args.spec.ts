import { parseReplayArgs, ReplayArgumentError } from './replay-args';

const WINDOW = ['--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00+01:00'];

function problem(argv: string[]): { argument: string; problem: string } {
  try {
    parseReplayArgs(argv);
  } catch (error) {
    if (error instanceof ReplayArgumentError) {
      return { argument: error.argument, problem: error.problem };
    }
    throw error;
  }
  throw new Error('accepted');
}

describe('parseReplayArgs', () => {
  it('normalises the window and the event type', () => {
    const command = parseReplayArgs([
      ...WINDOW,
      '--type',
      'ContractChanged',
      '--customer',
      'c1',
      '--topic',
      'replay.x',
    ]);
    expect(command).toEqual({
      kind: 'start',
      replayId: expect.stringMatching(/^replay-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/),
      dryRun: false,
      selection: {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-01T23:00:00.000Z',
        type: 'billwerk.ContractChanged',
        customerId: 'c1',
        topic: 'replay.x',
      },
    });
    expect(
      parseReplayArgs([...WINDOW, '--topic', 't', '--dry-run', '--type', 'billwerk.X']),
    ).toEqual(
      expect.objectContaining({
        dryRun: true,
        selection: expect.objectContaining({ type: 'billwerk.X' }),
      }),
    );
  });

  it('takes a resume on its own', () => {
    expect(parseReplayArgs(['--resume', 'replay-2026-11-25-abcdef12'])).toEqual({
      kind: 'resume',
      replayId: 'replay-2026-11-25-abcdef12',
    });
  });

  it.each([
    [['--to', '2026-11-02T00:00:00Z', '--topic', 't'], '--from', 'is required'],
    [
      ['--from', 'yesterday', '--to', '2026-11-02T00:00:00Z', '--topic', 't'],
      '--from',
      'not an RFC 3339',
    ],
    [
      ['--from', '2026-11-01T00:00:00', '--to', '2026-11-02T00:00:00Z', '--topic', 't'],
      '--from',
      'with a zone',
    ],
    [
      ['--from', '2026-11-03T00:00:00Z', '--to', '2026-11-02T00:00:00Z', '--topic', 't'],
      '--to',
      'later than --from',
    ],
    [WINDOW, '--topic', 'is required'],
    [[...WINDOW, '--topic', 'bad topic'], '--topic', 'not a valid Kafka topic name'],
    [[...WINDOW, '--topic', 't', '--customer', ' '], '--customer', 'must not be empty'],
    [[...WINDOW, '--topic', 't', '--form', 'x'], 'arguments', "'--form'"],
    [['--resume', 'r1', '--topic', 't'], '--topic', 'cannot be combined with --resume'],
    [['--resume', '../etc/passwd'], '--resume', 'replay id'],
  ])('rejects %j naming %s', (argv, argument, text) => {
    const rejected = problem(argv);
    expect(rejected.argument).toBe(argument);
    expect(rejected.problem).toContain(text);
  });
});
