export const AUDIT_LOGGER = Symbol('AUDIT_LOGGER');
/** The app's one KafkaJS client (consumer, producers, admin). */
export const AUDIT_KAFKA = Symbol('AUDIT_KAFKA');
