// Test support (not a test): a real AgentLink gRPC server on 127.0.0.1 that answers Hello with a
// Welcome carrying last_seq_stored and stores reports once per (session, seq), as the coordinator
// does. Used by the link tests and the agent process tests.
import * as grpc from '@grpc/grpc-js';
import { loadProtos, type wire } from '@isawatt/common';

export /** A real AgentLink server that stores reports by (session, seq), as the coordinator does. */
class TestCoordinator {
  server: grpc.Server | undefined;
  port = 0;
  readonly stored = new Map<string, Map<string, wire.TelemetryReport__Output>>();
  readonly hellos: wire.Hello__Output[] = [];
  readonly acks: wire.AssignmentAck__Output[] = [];
  duplicates = 0;
  /** Reports with these seqs are "lost in the crash": received but not stored. */
  forget = new Set<string>();
  /** When set, every Hello is answered with this error status instead of a Welcome. */
  refuse: { code: grpc.status; details: string } | undefined;
  /** Sent after Welcome on every attach. */
  assignment: wire.Assignment | undefined;
  private calls: grpc.ServerDuplexStream<wire.AgentMessage__Output, wire.CoordinatorMessage>[] = [];

  async start(port = 0, credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
    const server = new grpc.Server();
    server.addService(loadProtos().isawatt.v1.AgentLink.service, {
      Attach: (call: grpc.ServerDuplexStream<wire.AgentMessage__Output, wire.CoordinatorMessage>) => {
        this.calls.push(call);
        call.on('data', (msg: wire.AgentMessage__Output) => {
          if (msg.hello) {
            this.hellos.push(msg.hello);
            if (this.refuse) {
              call.emit('error', this.refuse);
              return;
            }
            const mine = this.stored.get(msg.hello.session_id);
            const last = mine ? Math.max(0, ...[...mine.keys()].map(Number)) : 0;
            call.write({ welcome: { cluster: 'test', last_seq_stored: String(last), has_assignment: false, tick_interval_ms: 0 } });
            if (this.assignment) call.write({ assignment: this.assignment });
          } else if (msg.telemetry) {
            const r = msg.telemetry;
            if (this.forget.has(r.seq)) return;
            const mine = this.stored.get(r.session_id) ?? new Map<string, wire.TelemetryReport__Output>();
            this.stored.set(r.session_id, mine);
            if (mine.has(r.seq)) this.duplicates++;
            mine.set(r.seq, r);
          } else if (msg.assignment_ack) {
            this.acks.push(msg.assignment_ack);
          }
        });
        call.on('error', () => undefined);
        call.on('end', () => call.end());
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, credentials, (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
    return this.port;
  }

  /** Abrupt stop, like a killed process. */
  kill(): void {
    this.server?.forceShutdown();
    this.server = undefined;
    this.calls = [];
  }

  seqs(session: string): number[] {
    return [...(this.stored.get(session)?.keys() ?? [])].map(Number).sort((a, b) => a - b);
  }
}
