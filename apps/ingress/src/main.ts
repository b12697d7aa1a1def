import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { loadIngressConfig } from './config/ingress.config';
import { createIngressApp } from './ingress.app';

// On SIGTERM in-flight hooks still get their acknowledgement or their 503 before the exit.
bootstrap({
  name: 'ingress',
  loadConfig: loadIngressConfig,
  createApp: createIngressApp,
  path: '/billwerk-hook',
});
