import { BILLWERK_EVENTS } from './event-catalog';
import { hookKey } from './event-key';
import { topicForEvent } from './event-routing';
import { BILLWERK_TOPICS } from './topics';

/** The routing rules as the ingress issue states them, applied to names rather than a table. */
function expectedTopic(event: string): string {
  const exact: Record<string, string> = {
    OrderSucceeded: 'contract',
    TrialEndApproaching: 'contract',
    RecurringBillingApproaching: 'contract',
    DiscountSubscriptionEnded: 'contract',
    AutomaticDowngradeInsufficientBalance: 'contract',
    AccountCreated: 'customer',
    DebitAuthCancelled: 'payment',
    InsufficientBalanceForNextBilling: 'payment',
    InvoiceCreated: 'invoice',
    InvoiceCorrected: 'invoice',
    DunningCreated: 'invoice',
    ReportSucceeded: 'reporting',
    ReportFailed: 'reporting',
    AccountingExportFileCreated: 'reporting',
    PaymentsExportFileCreated: 'reporting',
  };
  if (exact[event]) return `billwerk.${exact[event]}.v1`;
  const prefixes: Array<[string, string]> = [
    ['AcctExport', 'reporting'],
    ['Contract', 'contract'],
    ['Customer', 'customer'],
    ['Payment', 'payment'],
    ['PlanVariant', 'catalog'],
    ['Plan', 'catalog'],
    ['Component', 'catalog'],
  ];
  const match = prefixes.find(([prefix]) => event.startsWith(prefix));
  if (!match) throw new Error(`no rule for ${event}`);
  return `billwerk.${match[1]}.v1`;
}

describe('topicForEvent', () => {
  it.each(Object.keys(BILLWERK_EVENTS))('routes %s as the issue specifies', (event) => {
    expect(topicForEvent(event)).toBe(expectedTopic(event));
  });

  it('routes names not in the catalog to billwerk.unrecognized.v1', () => {
    expect(topicForEvent('ContractTeleported')).toBe('billwerk.unrecognized.v1');
    expect(topicForEvent('toString')).toBe('billwerk.unrecognized.v1');
  });

  it('uses only published topics', () => {
    for (const definition of Object.values(BILLWERK_EVENTS)) {
      expect(BILLWERK_TOPICS).toContain(definition.topic);
    }
  });
});

describe('hookKey', () => {
  const contract = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  const customer = 'bbbbbbbbbbbbbbbbbbbbbbbb';
  const own = 'cccccccccccccccccccccccc';

  it('prefers ContractId, then ContractID, then CustomerId', () => {
    expect(hookKey({ ContractId: contract, CustomerId: customer }, 'f')).toBe(contract);
    expect(hookKey({ ContractID: contract, CustomerId: customer, DunningId: own }, 'f')).toBe(
      contract,
    );
    expect(hookKey({ CustomerId: customer, EntityId: own }, 'f')).toBe(customer);
  });

  it("falls back to the hook's own id, never the shared EntityId", () => {
    expect(hookKey({ PaymentTransactionId: own }, 'f')).toBe(own);
    expect(hookKey({ InvoiceId: own }, 'f')).toBe(own);
    expect(hookKey({ PlanId: own, EntityId: contract }, 'f')).toBe(own);
    expect(hookKey({ FileId: own }, 'f')).toBe(own);
  });

  it('uses the fallback when the hook carries no id', () => {
    expect(hookKey({ Event: 'AcctExportSucceeded', EntityId: own }, 'event-id')).toBe('event-id');
  });
});
