/**
 * The test layout (README, "Testing"): unit specs beside the code, integration specs in the
 * `test/` folder of the app, lib or tool they exercise (the deploy files' in `test/deploy`, the
 * shared test support's beside it), whole-system specs in `test/e2e`. A spec
 * anywhere else would still run, but nobody would look for it there; a spec whose name no Jest
 * project matches would never run at all.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..');
const SKIPPED = new Set(['node_modules', 'dist', '.cache', 'coverage', 'reports']);

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesBelow(path);
    return entry.isFile() ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

const specs = ['apps', 'libs', 'tools', 'test']
  .flatMap((dir) => filesBelow(join(ROOT, dir)))
  .filter((file) => /[.-](spec|test)\.ts$/.test(file));

describe('the test layout', () => {
  it('finds the specs', () => {
    expect(specs.filter((file) => file.endsWith('.int-spec.ts')).length).toBeGreaterThan(0);
    expect(specs.filter((file) => file.endsWith('.e2e-spec.ts')).length).toBeGreaterThan(0);
  });

  it('names every spec for exactly one Jest project', () => {
    const unmatched = specs.filter(
      (file) => !/\.(spec|int-spec|e2e-spec)\.ts$/.test(file) || /\.(e2e|int|unit)\./.test(file),
    );
    expect(unmatched).toEqual([]);
  });

  it('keeps integration specs in the test/ folder of their app, lib or tool', () => {
    const misplaced = specs.filter(
      (file) =>
        file.endsWith('.int-spec.ts') &&
        !/^(apps|libs|tools)\/[^/]+\/test\/[^/]+\.int-spec\.ts$/.test(file) &&
        !/^test\/(support|deploy)\//.test(file),
    );
    expect(misplaced).toEqual([]);
  });

  it('keeps e2e specs in test/e2e and unit specs out of the integration folders', () => {
    expect(
      specs.filter(
        (file) => file.endsWith('.e2e-spec.ts') && !/^test\/e2e\/[^/]+\.e2e-spec\.ts$/.test(file),
      ),
    ).toEqual([]);
    expect(
      specs.filter(
        (file) => file.endsWith('.spec.ts') && /^(apps|libs|tools)\/[^/]+\/test\//.test(file),
      ),
    ).toEqual([]);
  });
});
