import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditPosition } from '../audit-log/audit-log.repository';
import type { ReplaySelection } from './replay-args';

/** A run's selection and how far the broker has acknowledged it. */
export interface ReplayState {
  replayId: string;
  selection: ReplaySelection;
  /** The last acknowledged row; undefined before the first batch. */
  after?: AuditPosition;
  published: number;
  finished: boolean;
}

export class UnknownReplayError extends Error {
  readonly code = 'REPLAY_UNKNOWN';

  constructor(readonly replayId: string) {
    super(`no replay state named ${replayId}`);
    this.name = 'UnknownReplayError';
  }
}

/**
 * Replay cursors as JSON files, one per run. A file rather than a table: the audit table is
 * append-only by design, and a replay is an operator's local run, not audit history.
 */
export class ReplayStateStore {
  constructor(private readonly folder: string) {}

  async load(replayId: string): Promise<ReplayState> {
    try {
      return JSON.parse(await readFile(this.path(replayId), 'utf8')) as ReplayState;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new UnknownReplayError(replayId);
      }
      throw error;
    }
  }

  /** Written to a temporary file and renamed: a crash mid-write leaves the previous cursor. */
  async save(state: ReplayState): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const target = this.path(state.replayId);
    await writeFile(`${target}.tmp`, JSON.stringify(state, null, 2));
    await rename(`${target}.tmp`, target);
  }

  private path(replayId: string): string {
    return join(this.folder, `${replayId}.json`);
  }
}
