import './register-paths';
import { stopLocalKafka } from '../../tools/kafka/local-kafka';

/** Stops the broker only if this run started it and nobody asked to keep it (KAFKA_KEEP=1). */
export default async function globalTeardown(): Promise<void> {
  if (process.env.BILLWERK_TEST_STARTED_KAFKA === '1' && process.env.KAFKA_KEEP !== '1') {
    await stopLocalKafka();
  }
}
