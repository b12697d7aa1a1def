import type { RetentionActionContact as ActionContact } from '@app/contracts';

/** The column lengths of `retention_case` for the contact (migration 1764090000000). */
export const CONTACT_LIMITS = { name: 300, email: 300, locale: 35 } as const;

export interface ContactAdjustment {
  field: keyof ActionContact;
  length: number;
  limit: number;
  action: 'cut' | 'dropped';
}

/**
 * Fits billwerk's contact values to the store: a name longer than its column is cut (still
 * useful to the CRM); an e-mail address or locale that long is no valid one and is dropped.
 */
export function fitContact(contact: ActionContact): {
  contact: ActionContact;
  adjustments: ContactAdjustment[];
} {
  const adjustments: ContactAdjustment[] = [];
  const fitted: ActionContact = { ...contact };
  if (contact.name !== null && contact.name.length > CONTACT_LIMITS.name) {
    fitted.name = contact.name.slice(0, CONTACT_LIMITS.name);
    adjustments.push({
      field: 'name',
      length: contact.name.length,
      limit: CONTACT_LIMITS.name,
      action: 'cut',
    });
  }
  for (const field of ['email', 'locale'] as const) {
    const value = contact[field];
    if (value !== null && value.length > CONTACT_LIMITS[field]) {
      fitted[field] = null;
      adjustments.push({
        field,
        length: value.length,
        limit: CONTACT_LIMITS[field],
        action: 'dropped',
      });
    }
  }
  return { contact: fitted, adjustments };
}
