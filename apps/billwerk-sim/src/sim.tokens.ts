export const SIM_LOGGER = Symbol('SIM_LOGGER');
