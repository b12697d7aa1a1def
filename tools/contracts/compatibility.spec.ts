import { currentContractModel, type ContractModel } from '@app/contracts';
import { readFileSync } from 'node:fs';
import { BASELINE_FILE } from './cli';
import { compatibilityViolations, mergeBaseline } from './compatibility';

const baseline: ContractModel = {
  topics: {
    'billwerk.contract.v1': {
      messages: {
        'billwerk.ContractCancelled': {
          fields: {
            'data.Event': 'string',
            'data.ContractId': 'id',
            'data.TriggerDays': 'integer',
          },
        },
        'billwerk.ContractChanged': { fields: { 'data.Event': 'string' } },
      },
    },
    'billwerk.customer.v1': {
      messages: { 'billwerk.CustomerCreated': { fields: { 'data.CustomerId': 'id' } } },
    },
  },
};

function changed(edit: (model: ContractModel) => void): ContractModel {
  const model = structuredClone(baseline);
  edit(model);
  return model;
}

describe('compatibility gate', () => {
  it('accepts an unchanged contract and additions', () => {
    expect(compatibilityViolations(baseline, baseline)).toEqual([]);
    const added = changed((m) => {
      m.topics['billwerk.contract.v1'].messages['billwerk.ContractCancelled'].fields['data.New'] =
        'id';
      m.topics['billwerk.contract.v1'].messages['billwerk.ContractEnded'] = { fields: {} };
      m.topics['billwerk.invoice.v1'] = { messages: {} };
    });
    expect(compatibilityViolations(baseline, added)).toEqual([]);
  });

  it('rejects a removed topic', () => {
    const removed = changed((m) => delete m.topics['billwerk.customer.v1']);
    expect(compatibilityViolations(baseline, removed)).toEqual([
      'topic billwerk.customer.v1 was removed without a new version replacing it',
    ]);
  });

  it('rejects a removed event', () => {
    const removed = changed(
      (m) => delete m.topics['billwerk.contract.v1'].messages['billwerk.ContractChanged'],
    );
    expect(compatibilityViolations(baseline, removed)).toEqual([
      'billwerk.contract.v1: message billwerk.ContractChanged was removed (publish it on a new topic version instead)',
    ]);
  });

  it('rejects a removed field and a changed type', () => {
    const broken = changed((m) => {
      const fields = m.topics['billwerk.contract.v1'].messages['billwerk.ContractCancelled'].fields;
      delete fields['data.ContractId'];
      fields['data.TriggerDays'] = 'string';
    });
    expect(compatibilityViolations(baseline, broken)).toEqual([
      'billwerk.contract.v1: billwerk.ContractCancelled lost field data.ContractId',
      'billwerk.contract.v1: billwerk.ContractCancelled field data.TriggerDays changed type from integer to string',
    ]);
  });

  it('allows the breaking change once the topic is bumped to .v2', () => {
    const bumped = changed((m) => {
      const v1 = m.topics['billwerk.contract.v1'];
      delete v1.messages['billwerk.ContractCancelled'].fields['data.TriggerDays'];
      m.topics['billwerk.contract.v2'] = v1;
      delete m.topics['billwerk.contract.v1'];
    });
    expect(compatibilityViolations(baseline, bumped)).toEqual([]);
  });

  it('keeps what was ever published in the merged baseline', () => {
    const next = changed((m) => {
      m.topics['billwerk.contract.v1'].messages['billwerk.ContractEnded'] = {
        fields: { 'data.X': 'id' },
      };
    });
    const merged = mergeBaseline(baseline, next);
    expect(merged.topics['billwerk.contract.v1'].messages['billwerk.ContractEnded']).toEqual({
      fields: { 'data.X': 'id' },
    });
    expect(compatibilityViolations(merged, baseline)).toEqual([
      'billwerk.contract.v1: message billwerk.ContractEnded was removed (publish it on a new topic version instead)',
    ]);
  });

  it('passes for the contracts in this repository against the committed baseline', () => {
    const committed = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as ContractModel;
    expect(compatibilityViolations(committed, currentContractModel())).toEqual([]);
  });
});
