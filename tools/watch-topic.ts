/** `npm run watch -- <topic> [--from-beginning]`: prints a topic's events as they arrive. */
import { exitOnStartupError, loadKafkaClientSettings } from '@app/config';
import { kafkaSecurityConfig } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const topic = args.find((arg) => !arg.startsWith('--'));
  if (!topic) {
    process.stderr.write('usage: npm run watch -- <topic> [--from-beginning]\n');
    process.exit(2);
  }
  // The apps' own settings (KAFKA_BROKERS, KAFKA_SASL_*, KAFKA_SSL*), validated the same way.
  const { brokers, security } = loadKafkaClientSettings(process.env);
  const kafka = new Kafka({
    clientId: 'watch-topic',
    brokers,
    ...kafkaSecurityConfig(security),
    logLevel: logLevel.ERROR,
  });
  const consumer = kafka.consumer({ groupId: `watch-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: args.includes('--from-beginning') });
  process.once('SIGINT', () => void consumer.disconnect().then(() => process.exit(0)));
  process.stderr.write(`watching ${topic} (Ctrl-C to stop)\n`);
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      process.stdout.write(
        `${topic}[${partition}]@${message.offset} key=${message.key?.toString() ?? ''}\n${message.value?.toString() ?? ''}\n\n`,
      );
      return Promise.resolve();
    },
  });
}

main().catch((error: unknown) => exitOnStartupError('watch', error));
