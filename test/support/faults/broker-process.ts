import { startLocalKafka, stopLocalKafka } from '../../../tools/kafka/local-kafka';
import { startPrivateKafka, type PrivateKafkaOptions } from '../private-kafka';

/** Brokers frozen by any LocalBroker of this process, thawed if the test process exits early. */
const frozenPids = new Set<number>();
process.once('exit', () => {
  for (const pid of frozenPids) signalGroup(pid, 'SIGCONT');
});

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  // The launcher starts the JVM detached, as the leader of its own process group.
  try {
    process.kill(-pid, signal);
  } catch {
    process.kill(pid, signal);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How a broker process is started again and stopped: a single node, or one node of a cluster. */
export interface BrokerLauncher {
  /** Starts the process on its storage and resolves with its pid once it answers. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A private broker process a fault test may freeze (SIGSTOP: the JVM keeps its sockets open and
 * reads nothing, as under a long GC pause or a stalled disk), kill (SIGKILL) and restart on the
 * same storage. `stop()` always thaws before stopping, so no stopped JVM is ever left behind.
 */
export class LocalBroker {
  private frozen = false;
  private thawTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly launcher: BrokerLauncher,
    private currentPid: number,
    readonly port: number,
  ) {}

  /** Starts (or reuses) the broker on the given private ports and creates `topics`. */
  static async start(options: PrivateKafkaOptions): Promise<LocalBroker> {
    const kafka = await startPrivateKafka(options);
    if (kafka.pid === undefined) {
      throw new Error(`the broker on ${kafka.brokers} has no pid file; stop it before the test`);
    }
    const launcher: BrokerLauncher = {
      start: async () => {
        const running = await startLocalKafka(options);
        if (running.pid === undefined) {
          throw new Error(`restarted broker on ${running.brokers} has no pid`);
        }
        return running.pid;
      },
      stop: async () => {
        await stopLocalKafka(options);
      },
    };
    return new LocalBroker(launcher, kafka.pid, options.port);
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.currentPid;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Whether its process exists (frozen counts): false after kill() or stop(). */
  get isAlive(): boolean {
    return alive(this.currentPid);
  }

  freeze(): void {
    signalGroup(this.currentPid, 'SIGSTOP');
    this.frozen = true;
    frozenPids.add(this.currentPid);
  }

  thaw(): void {
    clearTimeout(this.thawTimer);
    this.thawTimer = undefined;
    if (!this.frozen) return;
    signalGroup(this.currentPid, 'SIGCONT');
    this.frozen = false;
    frozenPids.delete(this.currentPid);
  }

  /** Freezes the broker and resolves once it has been thawed `ms` later. */
  async freezeFor(ms: number): Promise<void> {
    this.freeze();
    await new Promise<void>((resolve) => {
      this.thawTimer = setTimeout(() => {
        this.thaw();
        resolve();
      }, ms);
    });
  }

  /** SIGKILL: no shutdown, no flush; waits until the process is gone. */
  async kill(): Promise<void> {
    this.thaw();
    if (!alive(this.currentPid)) return;
    signalGroup(this.currentPid, 'SIGKILL');
    while (alive(this.currentPid)) await new Promise((done) => setTimeout(done, 50));
  }

  /** Starts the broker again on the same storage (after kill() or stop()). */
  async restart(): Promise<void> {
    if (alive(this.currentPid)) await this.stop();
    this.currentPid = await this.launcher.start();
  }

  /** Graceful stop (SIGTERM, SIGKILL after 30 s), thawed first: a stopped JVM ignores SIGTERM. */
  async stop(): Promise<void> {
    this.thaw();
    await this.launcher.stop();
  }
}
