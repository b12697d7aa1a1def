import { join } from 'node:path';
import { loadConfig, register } from 'tsconfig-paths';

/**
 * Jest applies moduleNameMapper to specs, not to globalSetup/globalTeardown, which load the Kafka
 * launcher and the contracts through plain `require`: the `@app/*` aliases are resolved here from
 * tsconfig.json, as `-r tsconfig-paths/register` does for the npm scripts. Imported first.
 */
const config = loadConfig(join(__dirname, '..', '..'));
if (config.resultType === 'failed') throw new Error(`tsconfig.json: ${config.message}`);
register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
