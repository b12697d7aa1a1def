import { OfferRules, OfferRulesError } from './offer-rules';

const GOLD = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const SILVER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const DISCOUNT = 'dddddddddddddddddddddddd';
const FALLBACK = 'eeeeeeeeeeeeeeeeeeeeeeee';

describe('OfferRules', () => {
  it('maps plan variants to discounts, with none and a fallback', () => {
    const rules = OfferRules.parse(`${GOLD}=${DISCOUNT}, ${SILVER}=none, *=${FALLBACK}`);
    expect(rules.offerFor(GOLD)).toEqual({ discountId: DISCOUNT });
    expect(rules.offerFor(SILVER)).toBeNull();
    expect(rules.offerFor('cccccccccccccccccccccccc')).toEqual({ discountId: FALLBACK });
    expect(rules.offerFor(undefined)).toEqual({ discountId: FALLBACK });
  });

  it('offers nothing without rules', () => {
    expect(OfferRules.parse('').offerFor(GOLD)).toBeNull();
    expect(OfferRules.parse(`${GOLD}=${DISCOUNT}`).offerFor(SILVER)).toBeNull();
  });

  it.each([
    [`${GOLD}`, 'entry 1 "aaaaaaaaaaaaaaaaaaaaaaaa": must be <planVariantId>=<discountId|none>'],
    [`gold=${DISCOUNT}`, `entry 1 "gold=${DISCOUNT}": plan variant must be a billwerk id or *`],
    [`${GOLD}=10%`, `entry 1 "${GOLD}=10%": discount must be a billwerk id or none`],
    [`*=none,*=${DISCOUNT}`, `entry 2 "*=${DISCOUNT}": * is given twice`],
    [
      `${GOLD}=none,${GOLD}=${DISCOUNT}`,
      `entry 2 "${GOLD}=${DISCOUNT}": plan variant ${GOLD} is given twice`,
    ],
    [`${GOLD}=none,`, 'entry 2 "": must be <planVariantId>=<discountId|none>'],
  ])('rejects %j', (text, problem) => {
    expect(() => OfferRules.parse(text)).toThrow(new OfferRulesError(problem));
  });
});
