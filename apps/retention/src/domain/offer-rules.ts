import type { RetentionOffer } from '@app/contracts';
import { isBillwerkId } from '@app/contracts';

/** The retention offer for a plan variant: a billwerk discount to apply, or none. */
export type Offer = RetentionOffer;

/** A rules text that cannot be used; `problem` is one line naming the bad entry. */
export class OfferRulesError extends Error {
  readonly code = 'OFFER_RULES_INVALID';
  constructor(readonly problem: string) {
    super(problem);
  }
}

const DEFAULT_VARIANT = '*';
const NO_OFFER = 'none';

/**
 * Which discount a cancelling contract is offered, by its plan variant. Written as
 * `<planVariantId>=<discountId|none>` entries separated by commas; `*` is the fallback.
 * A variant without a rule (and no `*`) gets no offer.
 */
export class OfferRules {
  private constructor(
    private readonly byVariant: ReadonlyMap<string, string | null>,
    private readonly fallback: string | null,
  ) {}

  static readonly none = new OfferRules(new Map(), null);

  static parse(text: string): OfferRules {
    const byVariant = new Map<string, string | null>();
    let fallback: string | null | undefined;
    const entries = text.split(',').map((entry) => entry.trim());
    if (text.trim() === '') return OfferRules.none;
    entries.forEach((entry, index) => {
      const where = `entry ${index + 1} "${entry}"`;
      const parts = entry.split('=');
      if (parts.length !== 2) {
        throw new OfferRulesError(`${where}: must be <planVariantId>=<discountId|none>`);
      }
      const [variant, discount] = parts.map((part) => part.trim());
      if (variant !== DEFAULT_VARIANT && !isBillwerkId(variant)) {
        throw new OfferRulesError(`${where}: plan variant must be a billwerk id or *`);
      }
      if (discount !== NO_OFFER && !isBillwerkId(discount)) {
        throw new OfferRulesError(`${where}: discount must be a billwerk id or none`);
      }
      const offer = discount === NO_OFFER ? null : discount;
      if (variant === DEFAULT_VARIANT) {
        if (fallback !== undefined) throw new OfferRulesError(`${where}: * is given twice`);
        fallback = offer;
      } else {
        if (byVariant.has(variant)) {
          throw new OfferRulesError(`${where}: plan variant ${variant} is given twice`);
        }
        byVariant.set(variant, offer);
      }
    });
    return new OfferRules(byVariant, fallback ?? null);
  }

  offerFor(planVariantId: string | undefined): Offer | null {
    const rule =
      planVariantId !== undefined && this.byVariant.has(planVariantId)
        ? this.byVariant.get(planVariantId)
        : this.fallback;
    return rule ? { discountId: rule } : null;
  }
}
