import { startLocalKafka, stopLocalKafka } from '../../tools/kafka/local-kafka';

/** Ports of a broker only these tests use: apart from the shared one, and free to stop. */
const PORT = 19192;
const CONTROLLER_PORT = 19193;

export interface PrivateKafka {
  brokers: string;
  /** Stops the broker if this call started it. */
  release(): Promise<void>;
}

export async function startPrivateKafka(): Promise<PrivateKafka> {
  const running = await startLocalKafka({ port: PORT, controllerPort: CONTROLLER_PORT });
  return {
    brokers: running.brokers,
    release: async () => {
      if (running.started && process.env.KAFKA_KEEP !== '1') {
        await stopLocalKafka({ port: PORT, controllerPort: CONTROLLER_PORT });
      }
    },
  };
}
