export const AUDIT_LOGGER = Symbol('AUDIT_LOGGER');
