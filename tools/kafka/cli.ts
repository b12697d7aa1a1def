/** `npm run kafka:start [-- --brokers 3] | kafka:stop | kafka:resolve` */
import { BILLWERK_TOPICS } from '../../libs/contracts/src/topics';
import { KafkaLauncherError, resolveKafka, startLocalKafka, stopLocalKafka } from './local-kafka';

export interface StartFlags {
  nodes: number;
}

/** The flags of `kafka:start`; anything else is a usage error. */
export function parseStartFlags(args: string[]): StartFlags {
  const flags: StartFlags = { nodes: 1 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--brokers') {
      const value = args[++i];
      if (value !== '1' && value !== '3') {
        throw new KafkaLauncherError(`--brokers takes 1 or 3 (got ${value ?? 'nothing'})`);
      }
      flags.nodes = Number(value);
    } else {
      throw new KafkaLauncherError(`unknown option ${arg}; usage: kafka start [--brokers 1|3]`);
    }
  }
  return flags;
}

async function main(command: string, args: string[]): Promise<void> {
  switch (command) {
    case 'start': {
      const flags = parseStartFlags(args);
      const partitions = Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 3);
      const kafka = await startLocalKafka({
        nodes: flags.nodes,
        topics: BILLWERK_TOPICS.map((topic) => ({ topic, numPartitions: partitions })),
      });
      const where =
        kafka.nodes.length === 1
          ? `log: ${kafka.logFile}`
          : `logs: ${kafka.runDir}/node-*/kafka.log`;
      process.stdout.write(
        `${kafka.started ? 'Kafka started' : 'Kafka already running'} on ${kafka.brokers} (${where})\n`,
      );
      return;
    }
    case 'stop':
      process.stdout.write(
        (await stopLocalKafka()) ? 'Kafka stopped\n' : 'Kafka was not running\n',
      );
      return;
    case 'resolve':
      process.stdout.write(`Kafka jars in ${resolveKafka()}\n`);
      return;
    default:
      throw new KafkaLauncherError('usage: kafka start [--brokers 1|3] | stop | resolve');
  }
}

if (require.main === module) {
  main(process.argv[2] ?? '', process.argv.slice(3)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
