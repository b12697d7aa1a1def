export * from './billwerk-api.client';
export * from './billwerk-api.errors';
export * from './billwerk-api.options';
export * from './billwerk-models';
export * from './prometheus-observer';
