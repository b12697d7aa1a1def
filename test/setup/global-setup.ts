import './register-paths';
import { BILLWERK_TOPICS } from '@app/contracts';
import { startLocalKafka } from '../../tools/kafka/local-kafka';

/**
 * Integration tests run against a real broker: the one in KAFKA_BROKERS, or the local launcher's
 * (started here when it is not running, and stopped again in global-teardown).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) return;
  const kafka = await startLocalKafka({
    topics: BILLWERK_TOPICS.map((topic) => ({ topic, numPartitions: 3 })),
  });
  process.env.KAFKA_BROKERS = kafka.brokers;
  if (kafka.started) process.env.BILLWERK_TEST_STARTED_KAFKA = '1';
}
