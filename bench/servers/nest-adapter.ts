/**
 * The adapter comparison: the same minimal Nest controller on Express or on Fastify
 * (ADAPTER=express|fastify), without Kafka, to isolate what the HTTP adapter costs.
 */
import 'reflect-metadata';
import { validateHook } from '@app/contracts';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';

@Controller('billwerk-hook')
class HookController {
  @Post(':token')
  @HttpCode(202)
  receive(@Body() body: unknown): { id: string } {
    if (!validateHook(body).valid) throw new Error('invalid');
    return { id: randomUUID() };
  }
}

@Module({ controllers: [HookController] })
class BenchModule {}

async function main(): Promise<void> {
  const adapter = process.env.ADAPTER === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(BenchModule, adapter, { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.send?.('ready');
}

void main();
