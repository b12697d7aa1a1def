/** What `npm run sim` prints while a scenario plays: pure formatting of the NDJSON lines. */
import type { StepAnswer } from '../control/control.service';
import type { PreparedPlay } from '../scenarios/scenario-runner';

/** The first NDJSON line of a streamed play: what was created, before any step. */
export type PlayStart = Pick<
  PreparedPlay,
  'scenario' | 'outcome' | 'steps' | 'customers' | 'contracts'
>;

export type PlayedStep = StepAnswer;

/** Where the local stack shows a play's result, as `npm start` runs it. */
export interface LocalStack {
  retentionUrl: string;
  auditUrl: string;
  /** The APIs' bearer token, or undefined when it is not known here. */
  apiToken?: string;
}

export function startLines(start: PlayStart): string[] {
  return [
    `playing ${start.scenario} (${start.steps} step${start.steps === 1 ? '' : 's'})`,
    ...Object.entries(start.customers).map(([ref, id]) => `  customer ${ref.padEnd(10)} ${id}`),
    ...Object.entries(start.contracts).map(([ref, id]) => `  contract ${ref.padEnd(10)} ${id}`),
  ];
}

export function stepLines(step: PlayedStep, at: Date): string[] {
  const clock = at.toISOString().slice(11, 19);
  return [
    `[${clock}] step ${step.step}/${step.of}: ${step.text}   (billwerk clock ${step.now.slice(0, 10)})`,
    `           → ${hooksSummary(step.hooks)}`,
  ];
}

function hooksSummary(hooks: PlayedStep['hooks']): string {
  if (hooks.length === 0) return 'no hooks';
  if (hooks.length <= 6) return hooks.map((h) => `${h.event} ${h.status}`).join(', ');
  const counts = new Map<string, number>();
  for (const hook of hooks) counts.set(hook.status, (counts.get(hook.status) ?? 0) + 1);
  return `${hooks.length} hooks: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`;
}

/** The closing block: what to expect, and the commands that show it. */
export function resultLines(start: PlayStart, stack: LocalStack): string[] {
  const customerIds = Object.values(start.customers);
  const auth = `-H 'authorization: Bearer ${stack.apiToken ?? '<API token>'}'`;
  const lines = ['', `done: ${start.scenario} played.`];
  if (start.outcome) lines.push(`what the stack shows: ${start.outcome}`);
  // Bulk creates a hundred customers: per-customer URLs would only flood the terminal.
  if (customerIds.length !== 1) return lines;
  const [customerId] = customerIds;
  lines.push(
    'see it:',
    `  retention case   curl -s ${auth} '${stack.retentionUrl}/retention/cases?customerId=${customerId}'`,
    `  audit timeline   curl -s ${auth} '${stack.auditUrl}/audit/customers/${customerId}/timeline'`,
    '  actions topic    npm run watch -- retention.actions.v1 --from-beginning',
  );
  if (!stack.apiToken)
    lines.push('  (the API token is in .data/dev-credentials.json once `npm start` ran)');
  return lines;
}
