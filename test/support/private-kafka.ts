import { rmSync } from 'node:fs';
import {
  localKafkaRunDir,
  startLocalKafka,
  stopLocalKafka,
  type LocalKafkaOptions,
  type RunningKafka,
} from '../../tools/kafka/local-kafka';

const privatePort = Number(process.env.PRIVATE_KAFKA_PORT ?? 19192);

/**
 * Ports of a broker only these tests use: apart from the shared one, and free to stop.
 * PRIVATE_KAFKA_PORT moves it (the controller takes the next port), so runs side by side on one
 * machine do not meet.
 */
export const PRIVATE_PORTS = { port: privatePort, controllerPort: privatePort + 1 };

export interface PrivateKafka {
  brokers: string;
  /** The broker's JVM; undefined when an already running broker was reused without a pid file. */
  pid: number | undefined;
  /** Stops the broker if this call started it. */
  release(): Promise<void>;
}

export interface PrivateKafkaOptions {
  port: number;
  controllerPort: number;
  heapMb?: number;
  topics?: Array<{ topic: string; numPartitions: number }>;
}

export async function startPrivateKafka(
  options: PrivateKafkaOptions = PRIVATE_PORTS,
): Promise<PrivateKafka> {
  const running: RunningKafka = await startLocalKafka(options);
  return {
    brokers: running.brokers,
    pid: running.pid,
    release: async () => {
      if (running.started && process.env.KAFKA_KEEP !== '1') {
        await stopLocalKafka(options);
      }
    },
  };
}

/**
 * Stops what runs on those private ports, deletes its storage and starts it afresh: for a spec
 * whose SCRAM passwords are drawn per run (storage keeps the users it was formatted with).
 */
export async function startFreshKafka(options: LocalKafkaOptions): Promise<RunningKafka> {
  await stopLocalKafka(options);
  rmSync(localKafkaRunDir(options), { recursive: true, force: true });
  return startLocalKafka(options);
}
