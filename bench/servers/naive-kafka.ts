/**
 * Baseline (b): what a quick hand-written receiver does: one KafkaJS send with acks=all per
 * request, answered when Kafka acknowledged.
 */
import { loadKafkaClientSettings } from '@app/config';
import { topicForEvent } from '@app/contracts';
import { kafkaSecurityConfig } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const { brokers, security } = loadKafkaClientSettings(process.env);
const kafka = new Kafka({
  clientId: 'bench-naive',
  brokers,
  ...kafkaSecurityConfig(security),
  logLevel: logLevel.NOTHING,
});
const producer = kafka.producer();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(raw) as { Event: string; ContractId?: string };
    const id = randomUUID();
    producer
      .send({
        topic: topicForEvent(body.Event),
        acks: -1,
        messages: [{ key: body.ContractId ?? id, value: JSON.stringify({ id, data: body }) }],
      })
      .then(
        () => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id }));
        },
        () => {
          res.writeHead(503);
          res.end();
        },
      );
  });
});

void producer
  .connect()
  .then(() => server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready')));
