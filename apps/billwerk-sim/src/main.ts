import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { loadSimConfig } from './config/sim.config';
import { createSimApp } from './sim.app';

bootstrap({ name: 'billwerk-sim', loadConfig: loadSimConfig, createApp: createSimApp });
