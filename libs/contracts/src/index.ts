export * from './billwerk-hook.dto';
export * from './billwerk-id';
export * from './cloud-event';
export * from './event-catalog';
export * from './event-key';
export * from './event-routing';
export * from './topics';
