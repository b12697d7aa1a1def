/** `npm run kafka:start [-- --brokers 3] [--scram] [--tls] | kafka:stop | kafka:resolve` */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BILLWERK_TOPICS } from '@app/contracts';
import {
  KafkaLauncherError,
  resolveKafka,
  scramCredentialsFile,
  startLocalKafka,
  stopLocalKafka,
} from './local-kafka';
import { loadOrCreateScramCredentials, topicsReadButNotCreated } from './scram';

const USAGE = 'usage: kafka start [--brokers 1|3] [--scram] [--tls] | stop | resolve';

export interface StartFlags {
  nodes: number;
  scram: boolean;
  /** SASL_SSL; implies scram. */
  tls: boolean;
}

/** The flags of `kafka:start`; anything else is a usage error. */
export function parseStartFlags(args: string[]): StartFlags {
  const flags: StartFlags = { nodes: 1, scram: false, tls: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--brokers') {
      const value = args[++i];
      if (value !== '1' && value !== '3') {
        throw new KafkaLauncherError(`--brokers takes 1 or 3 (got ${value ?? 'nothing'})`);
      }
      flags.nodes = Number(value);
    } else if (arg === '--scram') {
      flags.scram = true;
    } else if (arg === '--tls') {
      flags.tls = true;
      flags.scram = true;
    } else {
      throw new KafkaLauncherError(`unknown option ${arg}; ${USAGE}`);
    }
  }
  return flags;
}

/** The topics `kafka:start` creates: in SCRAM mode also those their readers may not create. */
export function startTopics(scram: boolean): string[] {
  return scram
    ? [...new Set([...BILLWERK_TOPICS, ...topicsReadButNotCreated()])]
    : [...BILLWERK_TOPICS];
}

async function start(flags: StartFlags): Promise<void> {
  const partitions = Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 3);
  const credentials = scramCredentialsFile();
  if (flags.scram) mkdirSync(dirname(credentials), { recursive: true });
  const kafka = await startLocalKafka({
    nodes: flags.nodes,
    topics: startTopics(flags.scram).map((topic) => ({ topic, numPartitions: partitions })),
    scram: flags.scram ? { users: loadOrCreateScramCredentials(credentials) } : undefined,
    tls: flags.tls,
  });
  const where =
    kafka.nodes.length === 1 ? `log: ${kafka.logFile}` : `logs: ${kafka.runDir}/node-*/kafka.log`;
  process.stdout.write(
    `${kafka.started ? 'Kafka started' : 'Kafka already running'} on ${kafka.brokers} (${where})\n`,
  );
  if (flags.scram) {
    process.stdout.write(
      `SASL/SCRAM-SHA-512 with ACLs; each principal's KAFKA_SASL_* settings: ${credentials}\n`,
    );
  }
  if (kafka.caFile) {
    process.stdout.write(`TLS (SASL_SSL): KAFKA_SSL=true KAFKA_SSL_CA_FILE=${kafka.caFile}\n`);
  }
}

async function main(command: string, args: string[]): Promise<void> {
  switch (command) {
    case 'start':
      return start(parseStartFlags(args));
    case 'stop':
      process.stdout.write(
        (await stopLocalKafka()) ? 'Kafka stopped\n' : 'Kafka was not running\n',
      );
      return;
    case 'resolve':
      process.stdout.write(`Kafka jars in ${resolveKafka()}\n`);
      return;
    default:
      throw new KafkaLauncherError(USAGE);
  }
}

if (require.main === module) {
  main(process.argv[2] ?? '', process.argv.slice(3)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
