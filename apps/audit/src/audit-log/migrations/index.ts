import { CreateAuditEvents1764090000000 } from './1764090000000-create-audit-events';
import { AuditEventsAppendOnly1764090000001 } from './1764090000001-audit-events-append-only';
import { AuditEventsDedupeByEventId1764090000002 } from './1764090000002-audit-events-dedupe-by-event-id';
import { AuditEventsRawValue1764300000000 } from './1764300000000-audit-events-raw-value';
import { AuditEventsKeyedChain1764300000001 } from './1764300000001-audit-events-keyed-chain';

/** In order; every dialect runs the same list. */
export const AUDIT_MIGRATIONS = [
  CreateAuditEvents1764090000000,
  AuditEventsAppendOnly1764090000001,
  AuditEventsDedupeByEventId1764090000002,
  AuditEventsRawValue1764300000000,
  AuditEventsKeyedChain1764300000001,
];
