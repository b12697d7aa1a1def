import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { loadRetentionConfig } from './config/retention.config';
import { createRetentionApp } from './retention.app';

// On SIGTERM the hook in hand finishes and is committed, and the relay stops, before the exit.
bootstrap({
  name: 'retention',
  loadConfig: loadRetentionConfig,
  createApp: createRetentionApp,
  path: '/docs',
});
