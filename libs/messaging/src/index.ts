export * from './acknowledged-producer';
export * from './batching-publisher';
export * from './kafka-client';
export * from './publish-errors';
export * from './topic-admin';
export * from './failure-policy';
export * from './resilient-consumer';
