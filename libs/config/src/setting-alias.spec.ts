import { IsString } from 'class-validator';
import { PoolSizeSetting } from './settings';
import { ConfigValidationError, SettingAlias, validateEnvironment } from './validate-environment';

class PoolEnvironment {
  @SettingAlias('OLD_POOL_SIZE')
  @PoolSizeSetting()
  POOL_SIZE: number = 10;

  @IsString()
  NAME: string = 'x';
}

class ExtendedEnvironment extends PoolEnvironment {
  @SettingAlias('OLD_LABEL')
  @IsString()
  LABEL: string = 'label';
}

function problems(env: Record<string, string>): string[] {
  try {
    validateEnvironment(ExtendedEnvironment, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the environment to be rejected');
}

describe('setting aliases', () => {
  it('reads the old name when the setting is unset, and the default when neither is', () => {
    expect(validateEnvironment(ExtendedEnvironment, { OLD_POOL_SIZE: '25' }).POOL_SIZE).toBe(25);
    expect(validateEnvironment(ExtendedEnvironment, {}).POOL_SIZE).toBe(10);
  });

  it('prefers the setting itself, and accepts both set to the same value', () => {
    expect(validateEnvironment(ExtendedEnvironment, { POOL_SIZE: '7' }).POOL_SIZE).toBe(7);
    expect(
      validateEnvironment(ExtendedEnvironment, { POOL_SIZE: '7', OLD_POOL_SIZE: '7' }).POOL_SIZE,
    ).toBe(7);
  });

  it('keeps aliases declared on a base schema next to those of the subclass', () => {
    const e = validateEnvironment(ExtendedEnvironment, { OLD_POOL_SIZE: '3', OLD_LABEL: 'old' });
    expect([e.POOL_SIZE, e.LABEL]).toEqual([3, 'old']);
  });

  it('names the variable the operator set when its value is bad', () => {
    expect(problems({ OLD_POOL_SIZE: '500' })).toEqual([
      'OLD_POOL_SIZE: must not be greater than 100 (got "500")',
    ]);
    expect(problems({ POOL_SIZE: '0' })).toEqual(['POOL_SIZE: must not be less than 1 (got "0")']);
  });

  it('refuses the two names set to different values', () => {
    expect(problems({ POOL_SIZE: '5', OLD_POOL_SIZE: '6' })).toEqual([
      'POOL_SIZE: set twice, also under its old name OLD_POOL_SIZE, to another value (keep POOL_SIZE)',
    ]);
  });
});
