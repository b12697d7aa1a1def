import { validateHook } from './billwerk-hook.dto';
import { KNOWN_HOOK_FIELDS } from './event-routing';

const ID = '5e1f1c2a9b8d7e6f5a4b3c2d';

function problemsOf(body: unknown): Array<{ field: string; problem: string }> {
  const result = validateHook(body);
  if (result.valid) throw new Error('expected the hook to be invalid');
  return result.problems;
}

describe('validateHook', () => {
  it('accepts the documented newer payload and keeps every field as sent', () => {
    const body = {
      Event: 'ContractChanged',
      ContractId: ID,
      CustomerId: ID,
      ExternalCustomerId: 'not-an-id: free text',
      ContractChangeId: ID,
      ContractChangeType: 'EndContract',
      EntityId: ID,
      SomethingNew: { nested: [1, 2, 3] },
    };
    const result = validateHook(body);
    expect(result).toEqual({ valid: true, event: 'ContractChanged', body });
  });

  it('accepts an event name that is not in the catalog', () => {
    expect(validateHook({ Event: 'ContractTeleported', ContractId: ID })).toMatchObject({
      valid: true,
      event: 'ContractTeleported',
    });
  });

  it.each([
    [{}, 'is required'],
    [{ Event: null }, 'is required'],
    [{ Event: '' }, 'must not be empty'],
    [{ Event: 42 }, 'must be a string'],
    [{ Event: 'Contract Cancelled' }, 'must contain letters only'],
    [{ Event: 'PlanVariantCreated ' }, 'must contain letters only'],
    [{ Event: 'A'.repeat(101) }, 'must be at most 100 characters'],
  ])('rejects Event in %j: %s', (body, problem) => {
    expect(problemsOf(body)).toEqual([{ field: 'Event', problem }]);
  });

  it('names a malformed id field and its rule', () => {
    expect(problemsOf({ Event: 'ContractCancelled', ContractId: 'abc' })).toEqual([
      { field: 'ContractId', problem: 'must be a billwerk id (24 hexadecimal characters)' },
    ]);
  });

  it('checks the DunningCreated spelling ContractID as an id', () => {
    expect(problemsOf({ Event: 'DunningCreated', ContractID: 12 })[0].field).toBe('ContractID');
    expect(validateHook({ Event: 'DunningCreated', ContractID: ID, DunningId: ID }).valid).toBe(
      true,
    );
  });

  it('checks id fields on unknown events too', () => {
    expect(problemsOf({ Event: 'SomethingNew', CustomerId: 'x' })[0].field).toBe('CustomerId');
  });

  it('rejects null for an id field that is present', () => {
    expect(problemsOf({ Event: 'CustomerCreated', CustomerId: null })[0].field).toBe('CustomerId');
  });

  it('checks list fields as arrays of ids', () => {
    expect(validateHook({ Event: 'InvoiceCorrected', NewInvoiceDraftIds: [ID, ID] }).valid).toBe(
      true,
    );
    expect(problemsOf({ Event: 'InvoiceCorrected', NewInvoiceDraftIds: ID })[0]).toEqual({
      field: 'NewInvoiceDraftIds',
      problem: 'must be an array of billwerk ids (24 hexadecimal characters each)',
    });
    expect(problemsOf({ Event: 'InvoiceCorrected', NewInvoiceDraftIds: [ID, 'x'] })[0].field).toBe(
      'NewInvoiceDraftIds',
    );
  });

  it('keeps merchant strings and non-id fields whatever they hold', () => {
    const body = {
      Event: 'DebitAuthCancelled',
      ContractId: ID,
      YourCustomerId: 'anything at all',
      PaymentProvider: 'PayPal',
      TriggerDays: 'not validated',
    };
    expect(validateHook(body).valid).toBe(true);
  });

  it.each([[[]], ['text'], [7], [null]])('rejects a body that is not an object: %j', (body) => {
    expect(problemsOf(body)).toEqual([{ field: '(body)', problem: 'must be a JSON object' }]);
  });

  it('allows 8 levels of nesting and rejects 9', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 1 : { n: nest(levels - 1) });
    expect(validateHook({ Event: 'X', deep: nest(6) }).valid).toBe(true);
    expect(validateHook({ Event: 'X', deep: nest(7) }).valid).toBe(true);
    expect(problemsOf({ Event: 'X', deep: nest(8) })[0]).toEqual({
      field: '(body)',
      problem: 'must not nest deeper than 8 levels',
    });
  });

  it('is not fooled by an own __proto__ key', () => {
    const body = JSON.parse(
      `{"Event":"ContractCancelled","__proto__":{"ContractId":"${ID}"},"ContractId":"bad"}`,
    ) as unknown;
    expect(problemsOf(body)[0].field).toBe('ContractId');
  });

  it('validates every combination of fields alike, beyond its cache of shapes', () => {
    const idFields = [...KNOWN_HOOK_FIELDS].filter(([, kind]) => kind === 'id').map(([f]) => f);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 700; i += 1) {
      const fields = idFields.filter(() => random() < 0.3);
      const bad = idFields[Math.floor(random() * idFields.length)];
      const body: Record<string, unknown> = { Event: 'Anything' };
      for (const field of fields) body[field] = ID;
      expect(validateHook(body).valid).toBe(true);
      body[bad] = 'nope';
      expect(problemsOf(body)).toEqual([
        { field: bad, problem: 'must be a billwerk id (24 hexadecimal characters)' },
      ]);
    }
  });
});
