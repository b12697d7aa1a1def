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
      paceMs: 2000,
      url: 'http://sim:3003',
      exit: true,
    });
  });

  it.each([
    ['2s', 2000],
    ['500ms', 500],
    ['0', 0],
    ['1.5s', 1500],
  ])('reads --pace %s', (pace, paceMs) => {
    expect(parseSimArgs(['cancel', '--pace', pace])).toMatchObject({ scenario: 'cancel', paceMs });
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
    [['cancel', '--pace', 'slow'], '--pace must be a duration from 0 to 60s'],
    [['cancel', '--pace', '2m'], '--pace must be a duration'],
    [['cancel', '--pace', '61s'], '--pace must be a duration'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimArgs(argv)).toThrow(SimArgsError);
    expect(() => parseSimArgs(argv)).toThrow(message);
  });
});
