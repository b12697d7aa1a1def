import { kafkaAnswers } from '../../../tools/kafka/local-kafka';
import { consumeAll, produce, testKafka, uniqueName } from '../kafka';
import { LocalBroker } from './broker-process';

/** A broker of this spec's own (ports apart from the freeze spec's), so freezing disturbs no one. */
const PORTS = { port: 19294, controllerPort: 19295, heapMb: 320 };

let broker: LocalBroker | undefined;

afterAll(async () => {
  await broker?.stop();
});

it('freezes, thaws, kills and restarts a private broker on the same storage', async () => {
  const topic = uniqueName('broker-process');
  broker = await LocalBroker.start({ ...PORTS, topics: [{ topic, numPartitions: 1 }] });
  const kafka = testKafka([broker.brokers]);
  await produce(kafka, topic, [{ value: 'before the kill' }]);

  broker.freeze();
  expect(broker.isFrozen).toBe(true);
  // Its sockets stay open (the kernel still accepts), but nothing is answered.
  expect(await kafkaAnswers(broker.brokers)).toBe(false);
  broker.thaw();
  expect(await kafkaAnswers(broker.brokers)).toBe(true);

  const started = Date.now();
  const frozen = broker.freezeFor(1500);
  expect(broker.isFrozen).toBe(true);
  await frozen;
  expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  expect(broker.isFrozen).toBe(false);
  expect(await kafkaAnswers(broker.brokers)).toBe(true);

  await broker.kill();
  expect(await kafkaAnswers(broker.brokers)).toBe(false);
  await broker.restart();
  expect(await kafkaAnswers(broker.brokers)).toBe(true);
  const read = await consumeAll(kafka, topic, 1);
  expect(read.map((m) => m.value)).toEqual(['before the kill']);
});
