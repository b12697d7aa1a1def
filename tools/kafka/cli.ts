/** `npm run kafka:start | kafka:stop | kafka:resolve` */
import { BILLWERK_TOPICS } from '../../libs/contracts/src/topics';
import { KafkaLauncherError, resolveKafka, startLocalKafka, stopLocalKafka } from './local-kafka';

async function main(command: string): Promise<void> {
  switch (command) {
    case 'start': {
      const partitions = Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 3);
      const kafka = await startLocalKafka({
        topics: BILLWERK_TOPICS.map((topic) => ({ topic, numPartitions: partitions })),
      });
      process.stdout.write(
        `${kafka.started ? 'Kafka started' : 'Kafka already running'} on ${kafka.brokers} (log: ${kafka.logFile})\n`,
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
      throw new KafkaLauncherError('usage: kafka start | stop | resolve');
  }
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
