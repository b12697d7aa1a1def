/** Plain Fastify with the same JSON parse and validation: what Nest's router adds on top. */
import 'reflect-metadata';
import { validateHook } from '@app/contracts';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';

const app = Fastify({ logger: false });
app.post('/billwerk-hook/:token', (request, reply) => {
  if (!validateHook(request.body).valid) throw new Error('invalid');
  void reply.status(202).send({ id: randomUUID() });
});
void app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.send?.('ready'));
