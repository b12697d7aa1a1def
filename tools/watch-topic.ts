/** `npm run watch -- <topic> [--from-beginning]`: prints a topic's events as they arrive. */
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const topic = args.find((arg) => !arg.startsWith('--'));
  if (!topic) throw new Error('usage: npm run watch -- <topic> [--from-beginning]');
  const kafka = new Kafka({
    clientId: 'watch-topic',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
