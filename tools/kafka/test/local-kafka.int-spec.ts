import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaLauncherError, kafkaAnswers, startLocalKafka, stopLocalKafka } from '../local-kafka';

const quiet = { log: () => undefined };

describe('local Kafka launcher', () => {
  it('reuses a broker that is already running', async () => {
    const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    const port = Number(brokers.split(':')[1]);
    const again = await startLocalKafka({ ...quiet, port });
    expect(again.started).toBe(false);
    expect(again.brokers).toBe(`127.0.0.1:${port}`);
  });

  it('fails with one line saying what to install when Java is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startLocalKafka({ ...quiet, port: 19392 })).rejects.toThrow(KafkaLauncherError);
      await expect(startLocalKafka({ ...quiet, port: 19392 })).rejects.toThrow(
        /^Java 17\+ is required .*install a JDK.*docker compose/,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it('starts, answers, and on stop leaves no process behind', async () => {
    const options = { ...quiet, port: 19292, controllerPort: 19293, heapMb: 384 };
    const kafka = await startLocalKafka(options);
    try {
      expect(kafka.started).toBe(true);
      expect(await kafkaAnswers(kafka.brokers)).toBe(true);
      expect(existsSync(kafka.logFile)).toBe(true);
      expect(readFileSync(kafka.logFile, 'utf8')).toContain('Kafka Server started');
    } finally {
      expect(await stopLocalKafka(options)).toBe(true);
    }
    expect(() => process.kill(kafka.pid as number, 0)).toThrow();
    expect(await kafkaAnswers(kafka.brokers)).toBe(false);
    expect(existsSync(join(kafka.logFile, '..', 'kafka.pid'))).toBe(false);
    expect(await stopLocalKafka(options)).toBe(false);
  });
});
