import { parseSimArgs, SimArgsError } from './sim-args';

describe('parseSimArgs', () => {
  it('reads a scenario with bulk parameters and options', () => {
    expect(
      parseSimArgs([
        'bulk',
        '--hooks',
        '5000',
        '--contracts',
        '50',
        '--seed',
        '3',
        '--url',
        'http://sim:3003',
        '--exit',
      ]),
    ).toEqual({
      command: 'play',
      scenario: 'bulk',
      params: { hooks: 5000, contracts: 50, seed: 3 },
      url: 'http://sim:3003',
      exit: true,
    });
  });

  it('reads list', () => {
    expect(parseSimArgs(['list'])).toMatchObject({ command: 'list', exit: false });
  });

  it.each([
    [[], 'name exactly one scenario'],
    [['a', 'b'], 'name exactly one scenario'],
    [['bulk', '--hooks'], '--hooks needs a value'],
    [['bulk', '--hooks', 'many'], '--hooks: must be a whole number'],
    [['bulk', '--url', 'nowhere'], '--url: not a URL'],
    [['bulk', '--fast'], 'unknown option --fast'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimArgs(argv)).toThrow(SimArgsError);
    expect(() => parseSimArgs(argv)).toThrow(message);
  });
});
