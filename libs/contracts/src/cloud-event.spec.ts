import { cloudEventHeaders, ENVELOPE_ATTRIBUTES, serializeHookEnvelope } from './cloud-event';

describe('serializeHookEnvelope', () => {
  const input = {
    id: '3bdd4801-a347-465c-926f-56073532ec76',
    sourceName: 'sandbox',
    event: 'ContractWrittenOff',
    subject: '5e1f1c2a9b8d7e6f5a4b3c2d',
    receivedAt: new Date('2026-11-25T10:00:00.123Z'),
    retryCount: 3,
    rawData:
      '{"Event":"ContractWrittenOff","AmountWrittenOff":12.50,"ContractId":"5e1f1c2a9b8d7e6f5a4b3c2d"}',
  };

  it('produces a CloudEvents 1.0 structured envelope', () => {
    expect(JSON.parse(serializeHookEnvelope(input))).toEqual({
      specversion: '1.0',
      id: input.id,
      source: 'billwerk/sandbox',
      type: 'billwerk.ContractWrittenOff',
      subject: input.subject,
      time: '2026-11-25T10:00:00.123Z',
      datacontenttype: 'application/json',
      retrycount: 3,
      data: { Event: 'ContractWrittenOff', AmountWrittenOff: 12.5, ContractId: input.subject },
    });
  });

  it('carries the body verbatim, number formatting and key order included', () => {
    expect(serializeHookEnvelope(input)).toContain(`"data":${input.rawData}}`);
  });

  it('writes the attributes in one fixed order, data last', () => {
    expect(Object.keys(JSON.parse(serializeHookEnvelope(input)) as object)).toEqual([
      ...ENVELOPE_ATTRIBUTES,
    ]);
  });

  it('escapes attribute values that JSON needs escaped', () => {
    const sourceName = 'sand"box\\\n';
    const subject = 'a"b';
    const parsed = JSON.parse(serializeHookEnvelope({ ...input, sourceName, subject })) as {
      source: string;
      subject: string;
    };
    expect(parsed).toMatchObject({ source: `billwerk/${sourceName}`, subject });
  });

  it('drops surrounding whitespace and a byte-order mark so the envelope stays valid JSON', () => {
    const json = serializeHookEnvelope({ ...input, rawData: `\uFEFF  ${input.rawData}\n` });
    expect(JSON.parse(json)).toHaveProperty('data.AmountWrittenOff', 12.5);
  });
});

describe('cloudEventHeaders', () => {
  it('names the envelope for routing without parsing', () => {
    expect(
      cloudEventHeaders({ id: 'i', type: 'billwerk.X', source: 'billwerk/s' }, '00-t-s-01'),
    ).toEqual({
      'content-type': 'application/cloudevents+json',
      ce_id: 'i',
      ce_type: 'billwerk.X',
      ce_source: 'billwerk/s',
      traceparent: '00-t-s-01',
    });
  });
});
