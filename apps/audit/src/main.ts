import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { createAuditApp } from './audit.app';
import { loadAuditConfig } from './config/audit.config';

// On SIGTERM the batch in hand is stored and committed before the exit.
bootstrap({
  name: 'audit',
  loadConfig: loadAuditConfig,
  createApp: createAuditApp,
  path: '/audit',
});
