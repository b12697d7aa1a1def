import type { LoadRecord } from '../support/faults/http-load';

/** A hook record found in Kafka: its CloudEvent id and the load request it came from. */
export interface HookWrite {
  eventId: string;
  /** The `ChaosLoadId` field of the hook body; undefined for hooks the load did not send. */
  loadId: string | undefined;
}

/** An action found on retention.actions.v1. */
export interface ActionWrite {
  id: string;
  type: string;
  contractId: string;
  reason: string;
}

export interface TallyInput {
  scenario: string;
  requests: readonly LoadRecord[];
  /** Every record on the billwerk topics written during the scenario. */
  hookWrites: readonly HookWrite[];
  /** Event ids of every record on the audited topics written during the scenario. */
  audited: readonly string[];
  /** Audit rows per event id, for the ids in `audited`. */
  auditRows: ReadonlyMap<string, number>;
  /** Audit rows beyond the first for one Kafka position (topic, partition, offset). */
  auditPositionDuplicates: number;
  chainVerifies: boolean;
  actions: readonly ActionWrite[];
  /** Duplicates retention's own store shows (action keys, open cases per contract). */
  storeDuplicates: number;
  /** Contracts for which at least one win-back hook was acknowledged: each owes one offer. */
  winBackContracts: ReadonlySet<string>;
  /** Why the scenario could not be judged fully (a drain that timed out, …). */
  problems: readonly string[];
}

export interface ScenarioRow {
  scenario: string;
  hooksAcked: number;
  lost: number;
  duplicatedInKafka: number;
  auditMissing: number;
  auditDuplicated: number;
  chainVerifies: boolean;
  actionsDuplicated: number;
  actionsMissing: number;
  longest2xxMs: number;
  /** Answers that are neither 2xx nor 503 (503 is billwerk's cue to retry, so it loses nothing). */
  unexpectedAnswers: number;
  answered503: number;
  problems: string[];
  /** The hooks behind a count that is not zero (lost, written twice), for the report. */
  details: string[];
}

/** How many values occur more than once, counting each extra copy. */
function extraCopies(values: Iterable<string>): number {
  const seen = new Map<string, number>();
  let extra = 0;
  for (const value of values) {
    const times = (seen.get(value) ?? 0) + 1;
    seen.set(value, times);
    if (times > 1) extra += 1;
  }
  return extra;
}

const isAcked = (record: LoadRecord): boolean => record.status >= 200 && record.status < 300;

/**
 * Compares what the load was told (2xx answers with their event ids) with what Kafka, the audit
 * store and retention hold, the verifiable-producer way: every acknowledged record present,
 * none twice.
 */
export function tally(input: TallyInput): ScenarioRow {
  const acked = input.requests.filter(isAcked);
  const written = new Set(input.hookWrites.map((write) => write.eventId));
  const lostRecords = acked.filter((record) => {
    const { id } = JSON.parse(record.body) as { id?: string };
    return id === undefined || !written.has(id);
  });
  const lost = lostRecords.length;
  const duplicatedInKafka = Math.max(
    extraCopies(input.hookWrites.map((write) => write.eventId)),
    extraCopies(input.hookWrites.flatMap((write) => (write.loadId ? [write.loadId] : []))),
  );
  const details: string[] = lostRecords.map(
    (record) =>
      `hook ${record.id} answered ${record.body} after ${Math.round(record.latencyMs)} ms: not in Kafka`,
  );
  const writesOf = new Map<string, HookWrite[]>();
  for (const write of input.hookWrites) {
    if (write.loadId) writesOf.set(write.loadId, [...(writesOf.get(write.loadId) ?? []), write]);
  }
  const answers = new Map(input.requests.map((record) => [record.id, record]));
  for (const [loadId, writes] of writesOf) {
    if (writes.length < 2) continue;
    const answer = answers.get(loadId);
    details.push(
      `hook ${loadId} (answered ${answer?.status ?? '?'} after ${Math.round(answer?.latencyMs ?? 0)} ms) written ${writes.length}×: ${writes.map((w) => w.eventId).join(', ')}`,
    );
  }

  const audited = new Set(input.audited);
  let auditMissing = 0;
  let auditDuplicated = input.auditPositionDuplicates;
  for (const eventId of audited) {
    const rows = input.auditRows.get(eventId) ?? 0;
    if (rows === 0) auditMissing += 1;
    else auditDuplicated += rows - 1;
  }

  // The same CloudEvent twice, or one action decided twice under two ids.
  const distinctIds = new Map<string, Set<string>>();
  for (const action of input.actions) {
    const key = `${action.contractId}/${action.type}/${action.reason}`;
    distinctIds.set(key, (distinctIds.get(key) ?? new Set()).add(action.id));
  }
  const actionsDuplicated =
    extraCopies(input.actions.map((action) => action.id)) +
    [...distinctIds.values()].reduce((sum, ids) => sum + ids.size - 1, 0) +
    input.storeDuplicates;
  const offered = new Set(
    input.actions
      .filter((action) => action.type === 'retention.WinBackOfferRequested')
      .map((action) => action.contractId),
  );
  const unoffered = [...input.winBackContracts].filter((id) => !offered.has(id));
  const actionsMissing = unoffered.length;
  for (const contractId of unoffered) {
    details.push(`contract ${contractId}: a win-back hook acknowledged, no WinBackOfferRequested`);
  }

  return {
    scenario: input.scenario,
    hooksAcked: acked.length,
    lost,
    duplicatedInKafka,
    auditMissing,
    auditDuplicated,
    chainVerifies: input.chainVerifies,
    actionsDuplicated,
    actionsMissing,
    longest2xxMs: Math.round(Math.max(0, ...acked.map((record) => record.latencyMs))),
    unexpectedAnswers: input.requests.filter((r) => !isAcked(r) && r.status !== 503).length,
    answered503: input.requests.filter((r) => r.status === 503).length,
    problems: [...input.problems],
    details,
  };
}

/** Every 2xx answer within this, as billwerk waits 10 s before it counts a hook as failed. */
export const ANSWER_LIMIT_MS = 10_000;

/** Why a row fails the run; empty when it passes. */
export function failures(row: ScenarioRow): string[] {
  const found: string[] = [...row.problems];
  if (row.hooksAcked === 0) found.push('no hook was acknowledged');
  const counts: Array<[string, number]> = [
    ['lost', row.lost],
    ['duplicated in Kafka', row.duplicatedInKafka],
    ['audit missing', row.auditMissing],
    ['audit duplicated', row.auditDuplicated],
    ['retention actions duplicated', row.actionsDuplicated],
    ['retention actions missing', row.actionsMissing],
    ['answers neither 2xx nor 503', row.unexpectedAnswers],
  ];
  for (const [what, count] of counts) if (count !== 0) found.push(`${what}: ${count}`);
  if (!row.chainVerifies) found.push('audit chain does not verify');
  if (row.longest2xxMs >= ANSWER_LIMIT_MS) found.push(`a 2xx took ${row.longest2xxMs} ms`);
  return found;
}

const COLUMNS: Array<[string, (row: ScenarioRow) => string]> = [
  ['scenario', (row) => row.scenario],
  ['hooks acked', (row) => String(row.hooksAcked)],
  ['lost', (row) => String(row.lost)],
  ['duplicated in Kafka', (row) => String(row.duplicatedInKafka)],
  ['audit missing', (row) => String(row.auditMissing)],
  ['audit duplicated', (row) => String(row.auditDuplicated)],
  ['chain verifies', (row) => (row.chainVerifies ? 'yes' : 'NO')],
  ['retention actions duplicated', (row) => String(row.actionsDuplicated)],
  ['retention actions missing', (row) => String(row.actionsMissing)],
  ['longest 2xx', (row) => `${(row.longest2xxMs / 1000).toFixed(2)} s`],
];

/** One Markdown table, a row per scenario. */
export function formatTable(rows: readonly ScenarioRow[]): string {
  const cells = [
    COLUMNS.map(([title]) => title),
    ...rows.map((row) => COLUMNS.map(([, f]) => f(row))),
  ];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  const line = (values: string[]) =>
    `| ${values.map((value, c) => (c === 0 ? value.padEnd(widths[c]) : value.padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((width, c) => (c === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
