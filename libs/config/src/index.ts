export * from './settings';
export * from './validate-environment';
export * from './kafka-settings';
