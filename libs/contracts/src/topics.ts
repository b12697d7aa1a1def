/**
 * Kafka topics published by billwerk-bridge. Names are a contract with subscribers: a breaking
 * change to a topic's messages means a new topic with the next version suffix, never an edit.
 */
export const BILLWERK_TOPICS = [
  'billwerk.contract.v1',
  'billwerk.customer.v1',
  'billwerk.payment.v1',
  'billwerk.invoice.v1',
  'billwerk.catalog.v1',
  'billwerk.reporting.v1',
  'billwerk.unrecognized.v1',
] as const;

export type BillwerkTopic = (typeof BILLWERK_TOPICS)[number];

export const UNRECOGNIZED_TOPIC: BillwerkTopic = 'billwerk.unrecognized.v1';
