// The fields billwerk-bridge reads from billwerk's REST API (see /work/shared/billwerk/README.md).
// Dates are ISO-8601 strings as billwerk sends them; billwerk may add fields at any time.

/** A billwerk id: 24 hexadecimal characters (a MongoDB ObjectId). */
export type BillwerkId = string;

/** An ISO-8601 date-time string, e.g. `2026-12-24T00:00:00.0000000Z`. */
export type IsoDateTime = string;

export type PhaseType = 'Normal' | 'Trial' | 'Inactive';

export interface ContractPhase {
  Type: PhaseType;
  StartDate: IsoDateTime;
  PlanVariantId?: BillwerkId;
  PlanId?: BillwerkId;
  Quantity?: number;
}

export interface PaymentBearer {
  Type?: string;
  Holder?: string;
  Last4?: string;
  ExpiryMonth?: number;
  ExpiryYear?: number;
}

/** e.g. `Active` while running (also during a notice period), `Ended` once EndDate has passed. */
export type LifecycleStatus = string;

export interface Contract {
  Id: BillwerkId;
  CustomerId: BillwerkId;
  PlanId?: BillwerkId;
  PlanVariantId?: BillwerkId;
  PlanGroupId?: BillwerkId;
  ReferenceCode?: string;
  ExternalId?: string;
  CustomerName?: string;
  Currency?: string;
  Balance?: number;
  StartDate: IsoDateTime;
  /** Set when cancelled (in the future during the notice period) or ended; absent otherwise. */
  EndDate?: IsoDateTime;
  BilledUntil?: IsoDateTime;
  LastBillingDate?: IsoDateTime;
  NextBillingDate?: IsoDateTime;
  LifecycleStatus?: LifecycleStatus;
  CurrentPhase?: ContractPhase;
  Phases?: ContractPhase[];
  PaymentBearer?: PaymentBearer;
  PaymentProvider?: string;
  RecurringPaymentsPaused?: boolean;
  EscalationSuspended?: boolean;
  BillingSuspended?: boolean;
  CustomFields?: Record<string, unknown>;
}

export interface Address {
  Street?: string;
  HouseNumber?: string;
  PostalCode?: string;
  City?: string;
  Country?: string;
}

export interface Customer {
  Id: BillwerkId;
  ExternalCustomerId?: string;
  CustomerName?: string;
  CompanyName?: string;
  FirstName?: string;
  LastName?: string;
  EmailAddress?: string;
  Language?: string;
  Locale?: string;
  VatId?: string;
  CustomerType?: string;
  IsLocked?: boolean;
  CreatedAt?: IsoDateTime;
  /** Set once the customer was deleted, where billwerk still answers for it. */
  DeletedAt?: IsoDateTime;
  Address?: Address;
  CustomFields?: Record<string, unknown>;
}

/** Seen values: Signup, Upgrade, EndContract, Resume, DiscountSubscriptionChange, Timebased; not a closed set. */
export type ContractChangeType = string;

export interface ContractChange {
  Id: BillwerkId;
  ContractId: BillwerkId;
  CustomerId?: BillwerkId;
  ContractChangeType: ContractChangeType;
  ChangeDate: IsoDateTime;
  /** The contract's EndDate after the change (EndContract), absent when the change removed it. */
  EndDate?: IsoDateTime;
  PlanVariantId?: BillwerkId;
}

/** e.g. `Pending`, `Succeeded`, `Failed`. */
export type PaymentTransactionStatus = string;

export interface PaymentTransaction {
  Id: BillwerkId;
  ContractId: BillwerkId;
  CustomerId: BillwerkId;
  InvoiceId?: BillwerkId;
  Amount: number;
  Currency: string;
  Status: PaymentTransactionStatus;
  PaymentProvider?: string;
  CreatedAt?: IsoDateTime;
  ErrorCode?: string;
}

export interface DiscountEffect {
  /** e.g. `PercentageOff`, `FixedAmountOff`. */
  Type: string;
  Percentage?: number;
  Amount?: number;
  Currency?: string;
}

export interface Discount {
  Id: BillwerkId;
  Name: string;
  InternalName?: string;
  Description?: string;
  Effect?: DiscountEffect;
  /** How many billing periods the discount lasts; absent means unlimited. */
  DurationPeriods?: number;
}

export interface DiscountSubscription {
  Id: BillwerkId;
  ContractId: BillwerkId;
  DiscountId: BillwerkId;
  StartDate: IsoDateTime;
  EndDate?: IsoDateTime;
}

export interface ApplyDiscountRequest {
  DiscountId: BillwerkId;
  StartDate?: IsoDateTime;
  EndDate?: IsoDateTime;
}

export interface CancellationPreview {
  ContractId: BillwerkId;
  /** When a cancellation registered now would take effect. */
  EndDate: IsoDateTime;
}

export interface Invoice {
  Id: BillwerkId;
  InvoiceNumber?: string;
  ContractId?: BillwerkId;
  CustomerId?: BillwerkId;
  Currency?: string;
  TotalNet?: number;
  TotalGross?: number;
  InvoiceDate?: IsoDateTime;
  DueDate?: IsoDateTime;
  IsPaid?: boolean;
}

/** The token endpoint's answer; billwerk documents `expires?`, OAuth2 servers send `expires_in`. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  expires?: number | string;
}
