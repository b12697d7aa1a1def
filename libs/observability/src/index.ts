export * from './logger';
export * from './metrics';
export * from './shutdown';
export * from './tracing';
export * from './http-tracing';
