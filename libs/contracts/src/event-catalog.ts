// The billwerk webhook catalog, transcribed from billwerk's documentation (see README,
// "Event catalog"). Adding an event here is a contract change: see docs/contracts.md.
import type { BillwerkTopic } from './topics';

/** How a hook field is validated and documented. Only billwerk ids are checked strictly. */
export type HookFieldKind =
  'id' | 'id-list' | 'merchant-string' | 'word' | 'integer' | 'decimal' | 'date' | 'date-time';

export interface BillwerkEventDefinition {
  readonly topic: BillwerkTopic;
  readonly description: string;
  readonly deprecated: boolean;
  /** Fields beside `Event`, in documented order. Either payload generation may omit any of them. */
  readonly fields: Readonly<Record<string, HookFieldKind>>;
}

export const BILLWERK_EVENTS = {
  OrderSucceeded: {
    topic: 'billwerk.contract.v1',
    description:
      'An order of any type (signup, up-/downgrade, component/discount change) was committed successfully.',
    deprecated: false,
    fields: { ContractId: 'id', OrderId: 'id', CustomerId: 'id', EntityId: 'id' },
  },
  ContractCreated: {
    topic: 'billwerk.contract.v1',
    description:
      'A new contract came into existence (hosted signup/self-service, API order or admin UI).',
    deprecated: false,
    fields: {
      ContractId: 'id',
      CustomerId: 'id',
      EntityId: 'id',
      ExternalCustomerId: 'merchant-string',
      ContractChangeId: 'id',
    },
  },
  ContractChanged: {
    topic: 'billwerk.contract.v1',
    description:
      "The contract's effective state changed: signup/start, trial end, up/downgrade, cancellation set, end reached, phase/component/discount/pause start or end.",
    deprecated: false,
    fields: {
      ContractId: 'id',
      CustomerId: 'id',
      ExternalCustomerId: 'merchant-string',
      ContractChangeId: 'id',
      ContractChangeType: 'word',
      EntityId: 'id',
    },
  },
  ContractDataChanged: {
    topic: 'billwerk.contract.v1',
    description:
      'Contract master data was edited (PUT/PATCH on contract, custom fields, external id) without a billing-relevant change.',
    deprecated: false,
    fields: { ContractId: 'id', CustomerId: 'id', EntityId: 'id' },
  },
  ContractDeleted: {
    topic: 'billwerk.contract.v1',
    description:
      'A contract was deleted via API or UI, including as a consequence of deleting its customer.',
    deprecated: false,
    fields: { ContractId: 'id' },
  },
  ContractCancelled: {
    topic: 'billwerk.contract.v1',
    description:
      'A notice of cancellation was registered (end date set); fires at cancellation time, not when the contract actually ends.',
    deprecated: false,
    fields: { ContractId: 'id', CustomerId: 'id', EntityId: 'id', ContractChangeId: 'id' },
  },
  CustomerCreated: {
    topic: 'billwerk.customer.v1',
    description: 'A customer record was created in billwerk (e.g. during signup).',
    deprecated: false,
    fields: { CustomerId: 'id', EntityId: 'id' },
  },
  CustomerChanged: {
    topic: 'billwerk.customer.v1',
    description:
      'Customer base data changed (docs explicitly mention edits made in the customer self-service portal).',
    deprecated: false,
    fields: { CustomerId: 'id', EntityId: 'id' },
  },
  CustomerDeleted: {
    topic: 'billwerk.customer.v1',
    description:
      'A customer was deleted in billwerk (e.g. GDPR deletion via DELETE /customers/{id}).',
    deprecated: false,
    fields: { CustomerId: 'id', EntityId: 'id' },
  },
  CustomerLocked: {
    topic: 'billwerk.customer.v1',
    description: 'A customer was put into locked state.',
    deprecated: false,
    fields: { CustomerId: 'id', EntityId: 'id' },
  },
  CustomerUnlocked: {
    topic: 'billwerk.customer.v1',
    description: 'A previously locked customer was unlocked.',
    deprecated: false,
    fields: { CustomerId: 'id', EntityId: 'id' },
  },
  DunningCreated: {
    topic: 'billwerk.invoice.v1',
    description: 'A dunning/reminder PDF was generated and sent or archived.',
    deprecated: false,
    fields: { DunningId: 'id', CustomerId: 'id', ContractID: 'id' },
  },
  InvoiceCreated: {
    topic: 'billwerk.invoice.v1',
    description: 'An invoice or credit note document was created and sent/archived.',
    deprecated: false,
    fields: { InvoiceId: 'id', ContractId: 'id', CustomerId: 'id', EntityId: 'id' },
  },
  InvoiceCorrected: {
    topic: 'billwerk.invoice.v1',
    description: 'An invoice or credit note was corrected and the corrected document was issued.',
    deprecated: false,
    fields: {
      OldInvoiceId: 'id',
      NewInvoiceId: 'id',
      OldInvoiceDraftId: 'id',
      NewInvoiceDraftId: 'id',
      NewInvoiceDraftIds: 'id-list',
      ContractId: 'id',
      CustomerId: 'id',
      EntityId: 'id',
    },
  },
  RecurringBillingApproaching: {
    topic: 'billwerk.contract.v1',
    description:
      "A contract's billing period has ended and the configured billing delay has started, before recurring billing runs.",
    deprecated: false,
    fields: { ContractId: 'id' },
  },
  TrialEndApproaching: {
    topic: 'billwerk.contract.v1',
    description: "A contract's trial phase will end soon; the lead time is configured per plan.",
    deprecated: false,
    fields: { ContractId: 'id' },
  },
  AccountCreated: {
    topic: 'billwerk.customer.v1',
    description: 'Legacy signup notification; replaced by ContractCreated.',
    deprecated: true,
    fields: { ContractId: 'id' },
  },
  PaymentBearerExpiring: {
    topic: 'billwerk.payment.v1',
    description:
      'The stored payment means (typically a credit card) is about to expire (n8n/help: valid for one more month).',
    deprecated: false,
    fields: { ContractId: 'id', ExpiryDate: 'date-time' },
  },
  PaymentBearerExpired: {
    topic: 'billwerk.payment.v1',
    description: 'The stored payment means has just expired; the next payment will fail.',
    deprecated: false,
    fields: { ContractId: 'id', ExpiryDate: 'date-time' },
  },
  DebitAuthCancelled: {
    topic: 'billwerk.payment.v1',
    description:
      'The customer or the PSP revoked the debit authorization/mandate (e.g. PayPal billing agreement).',
    deprecated: false,
    fields: {
      ContractId: 'id',
      CustomerId: 'id',
      YourCustomerId: 'merchant-string',
      PaymentProvider: 'word',
    },
  },
  PaymentDataChanged: {
    topic: 'billwerk.payment.v1',
    description:
      'A new payment bearer was attached to a contract (e.g. customer entered a new card).',
    deprecated: false,
    fields: { ContractId: 'id', CustomerId: 'id', EntityId: 'id' },
  },
  PaymentEscalated: {
    topic: 'billwerk.payment.v1',
    description:
      'An escalation step configured in the payment escalation settings was reached for an unpaid contract.',
    deprecated: false,
    fields: {
      ContractId: 'id',
      CustomerId: 'id',
      TriggerDays: 'integer',
      DueDate: 'date-time',
      PaymentEscalationProcessId: 'id',
      EntityId: 'id',
    },
  },
  PaymentEscalationReset: {
    topic: 'billwerk.payment.v1',
    description:
      'A running escalation was reset, automatically after the open items were paid or manually by the merchant.',
    deprecated: false,
    fields: { ContractId: 'id', CustomerId: 'id', EntityId: 'id' },
  },
  PaymentSucceeded: {
    topic: 'billwerk.payment.v1',
    description: 'A payment transaction completed successfully.',
    deprecated: false,
    fields: { PaymentTransactionId: 'id' },
  },
  PaymentFailed: {
    topic: 'billwerk.payment.v1',
    description: 'A payment transaction failed.',
    deprecated: false,
    fields: { PaymentTransactionId: 'id' },
  },
  PaymentProcessStatusChanged: {
    topic: 'billwerk.payment.v1',
    description:
      'Recurring payments for a contract were stopped (e.g. after chargeback or repeated failures) or restarted.',
    deprecated: false,
    fields: { ContractId: 'id', CustomerId: 'id', EntityId: 'id' },
  },
  PaymentRegistered: {
    topic: 'billwerk.payment.v1',
    description:
      'An external payment or refund (e.g. bank transfer) was registered manually or via account reconciliation.',
    deprecated: false,
    fields: { ContractId: 'id' },
  },
  PlanCreated: {
    topic: 'billwerk.catalog.v1',
    description: 'A plan was created in the product catalogue.',
    deprecated: false,
    fields: { PlanId: 'id', EntityId: 'id' },
  },
  PlanChanged: {
    topic: 'billwerk.catalog.v1',
    description: 'A plan definition was modified.',
    deprecated: false,
    fields: { PlanId: 'id', EntityId: 'id' },
  },
  PlanDeleted: {
    topic: 'billwerk.catalog.v1',
    description: 'A plan was deleted.',
    deprecated: false,
    fields: { PlanId: 'id', EntityId: 'id' },
  },
  PlanVariantCreated: {
    topic: 'billwerk.catalog.v1',
    description: 'A new plan variant (price/billing variant of a plan) was created.',
    deprecated: false,
    fields: { PlanVariantId: 'id', EntityId: 'id' },
  },
  PlanVariantChanged: {
    topic: 'billwerk.catalog.v1',
    description: 'A plan variant (e.g. its price) was changed.',
    deprecated: false,
    fields: { PlanVariantId: 'id', EntityId: 'id' },
  },
  PlanVariantDeleted: {
    topic: 'billwerk.catalog.v1',
    description: 'A plan variant was deleted.',
    deprecated: false,
    fields: { PlanVariantId: 'id', EntityId: 'id' },
  },
  ComponentCreated: {
    topic: 'billwerk.catalog.v1',
    description: 'A new component was created in the catalogue.',
    deprecated: false,
    fields: { ComponentId: 'id', EntityId: 'id' },
  },
  ComponentChanged: {
    topic: 'billwerk.catalog.v1',
    description: 'A component (e.g. its price) was changed.',
    deprecated: false,
    fields: { ComponentId: 'id', EntityId: 'id' },
  },
  ComponentDeleted: {
    topic: 'billwerk.catalog.v1',
    description: 'A component was deleted.',
    deprecated: false,
    fields: { ComponentId: 'id', EntityId: 'id' },
  },
  ReportSucceeded: {
    topic: 'billwerk.reporting.v1',
    description: 'A requested report finished generating successfully.',
    deprecated: false,
    fields: { ReportId: 'id', EntityId: 'id' },
  },
  ReportFailed: {
    topic: 'billwerk.reporting.v1',
    description: 'Report generation failed.',
    deprecated: false,
    fields: { ReportId: 'id' },
  },
  AccountingExportFileCreated: {
    topic: 'billwerk.reporting.v1',
    description: 'An accounting (FiBu) export file was created.',
    deprecated: false,
    fields: { FileId: 'id' },
  },
  ContractWrittenOff: {
    topic: 'billwerk.contract.v1',
    description:
      "A write-off of a contract's open receivables was executed (one hook per write-off operation, however many invoices).",
    deprecated: false,
    fields: {
      ContractId: 'id',
      CustomerId: 'id',
      BookingDate: 'date',
      AmountWrittenOff: 'decimal',
      EntityId: 'id',
    },
  },
  DiscountSubscriptionEnded: {
    topic: 'billwerk.contract.v1',
    description: 'A discount subscription on a contract reached its end.',
    deprecated: false,
    fields: { ContractId: 'id', CustomerId: 'id' },
  },
  InsufficientBalanceForNextBilling: {
    topic: 'billwerk.payment.v1',
    description:
      'Current billing is done but the prepaid/credit balance will not cover the next billing.',
    deprecated: false,
    fields: { ContractId: 'id' },
  },
  AutomaticDowngradeInsufficientBalance: {
    topic: 'billwerk.contract.v1',
    description: 'A contract was automatically downgraded because the balance was insufficient.',
    deprecated: false,
    fields: { ContractId: 'id' },
  },
  PaymentsExportFileCreated: {
    topic: 'billwerk.reporting.v1',
    description: 'A payments export file was created successfully.',
    deprecated: false,
    fields: { FileId: 'id' },
  },
  AcctExportSucceeded: {
    topic: 'billwerk.reporting.v1',
    description: 'An accounting export run succeeded (exact semantics not documented).',
    deprecated: false,
    fields: {},
  },
  AcctExportFailed: {
    topic: 'billwerk.reporting.v1',
    description: 'An accounting export run failed (exact semantics not documented).',
    deprecated: false,
    fields: {},
  },
} as const satisfies Record<string, BillwerkEventDefinition>;

export type BillwerkEventName = keyof typeof BILLWERK_EVENTS;
