import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import {
  AUDIT_CHECKPOINTS_TOPIC,
  BILLWERK_EVENTS,
  BILLWERK_TOPICS,
  RETENTION_ACTION_TYPES,
  RETENTION_ACTIONS_TOPIC,
} from '@app/contracts';
import { ASYNCAPI_FILE, renderAsyncApi } from './cli';

describe('docs/asyncapi.yaml', () => {
  const committed = readFileSync(ASYNCAPI_FILE, 'utf8');

  it('is what libs/contracts generates today (run `npm run asyncapi` after changing contracts)', () => {
    expect(committed).toBe(renderAsyncApi());
  });

  it('is a valid AsyncAPI 3.0 document with a channel per topic and a message per event', async () => {
    const { document, diagnostics } = await new Parser().parse(committed);
    const errors = diagnostics.filter(
      (d) => Number(d.severity) === Number(DiagnosticSeverity.Error),
    );
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    if (!document) throw new Error('the document did not parse');
    expect(document.version()).toBe('3.0.0');
    const addresses = document
      .channels()
      .all()
      .map((channel) => channel.address());
    expect(addresses.sort()).toEqual(
      [...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC, AUDIT_CHECKPOINTS_TOPIC].sort(),
    );
    const names = document
      .components()
      .messages()
      .all()
      .map((message) => message.name());
    for (const event of Object.keys(BILLWERK_EVENTS)) expect(names).toContain(event);
    for (const action of RETENTION_ACTION_TYPES) expect(names).toContain(action);
    expect(names).toContain('AuditCheckpoint');
  });
});
