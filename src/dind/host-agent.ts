/**
 * Commands on a DinD host through long-lived `docker exec` sessions. Each docker exec
 * costs the outer engine a process start in the container (~45 ms, most of it CPU);
 * a step runs several commands, so a host keeps a few shells open instead and feeds
 * them one command at a time. The protocol is line-based on stdin and length-framed
 * on stdout, so any bytes a command prints come back as they were.
 */
import { type Duplex, PassThrough } from 'node:stream';
import createDebug from 'debug';
import type Docker from 'dockerode';
import { dockerClient } from './docker-client.ts';
import type { ExecResult } from './started-dind-host.ts';

const log = createDebug('nettwin:dind:agent');

/**
 * The shell each session runs. Input lines: `<id> <base64 of a sh script>`. Output per
 * command: `<id> <exit code> <stdout bytes> <stderr bytes>\n`, then both outputs. The
 * session registers its pid under /run/nettwin-agents so that nettwin-reset, which
 * kills every other process of the host, leaves it alone.
 */
export const AGENT_SCRIPT = [
  'set -u',
  'd=$(mktemp -d /run/nettwin-agent.XXXXXX) || exit 1',
  'mkdir -p /run/nettwin-agents && : >"/run/nettwin-agents/$$"',
  'trap \'rm -rf "$d" "/run/nettwin-agents/$$"\' EXIT',
  'while IFS=" " read -r id script; do',
  // Fresh files per command: a background process a command left behind may still
  // write to its own, which must not land in the next command's output.
  '  printf "%s" "$script" | base64 -d >"$d/cmd" 2>/dev/null || : >"$d/cmd"',
  '  sh "$d/cmd" >"$d/out.$id" 2>"$d/err.$id" </dev/null',
  '  rc=$?',
  '  printf "%s %s %s %s\\n" "$id" "$rc" "$(stat -c %s "$d/out.$id")" "$(stat -c %s "$d/err.$id")"',
  '  cat "$d/out.$id" "$d/err.$id"',
  '  rm -f "$d/out.$id" "$d/err.$id"',
  'done',
].join('\n');

/** POSIX sh quoting of one word: single quotes, each ' as '\''. */
export function shellWord(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** The script a session runs for argv: exec of the quoted words, as docker exec would. */
export function agentScript(argv: readonly string[]): string {
  return `exec ${argv.map(shellWord).join(' ')}\n`;
}

export class HostAgentLostError extends Error {
  constructor(host: string, why: string) {
    super(`The command session on DinD host "${host}" ended (${why}); the host is gone or was reset badly.`);
    this.name = 'HostAgentLostError';
  }
}

interface Pending {
  id: number;
  resolve(result: ExecResult): void;
  reject(error: Error): void;
}

/** Parses the framed output of one session: header line, then stdout and stderr bytes. */
export class AgentFrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private header: { id: number; exitCode: number; out: number; err: number } | undefined;

  /** Feed bytes; returns the results completed by them, in order. */
  push(chunk: Buffer): Array<{ id: number; result: ExecResult }> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const done: Array<{ id: number; result: ExecResult }> = [];
    for (;;) {
      if (!this.header) {
        const newline = this.buffer.indexOf(0x0a);
        if (newline < 0) return done;
        const line = this.buffer.subarray(0, newline).toString('utf8');
        const m = /^(\d+) (\d+) (\d+) (\d+)$/.exec(line);
        if (!m) throw new Error(`unexpected line from the command session: ${JSON.stringify(line)}`);
        this.header = { id: Number(m[1]), exitCode: Number(m[2]), out: Number(m[3]), err: Number(m[4]) };
        this.buffer = this.buffer.subarray(newline + 1);
      }
      const { id, exitCode, out, err } = this.header;
      if (this.buffer.length < out + err) return done;
      const stdout = this.buffer.subarray(0, out).toString('utf8');
      const stderr = this.buffer.subarray(out, out + err).toString('utf8');
      this.buffer = this.buffer.subarray(out + err);
      this.header = undefined;
      done.push({ id, result: { exitCode, stdout, stderr } });
    }
  }
}

/** One `docker exec -i <host> sh -c AGENT_SCRIPT` session: one command at a time. */
class HostAgent {
  private pending: Pending | undefined;
  private nextId = 1;
  private lost: Error | undefined;
  private readonly reader = new AgentFrameReader();

  private constructor(
    private readonly host: string,
    private readonly stream: Duplex,
  ) {}

  static async open(container: Docker.Container, host: string): Promise<HostAgent> {
    const exec = await container.exec({
      Cmd: ['sh', '-c', AGENT_SCRIPT],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    const agent = new HostAgent(host, stream);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    dockerClient().modem.demuxStream(stream, stdout, stderr);
    stdout.on('data', (chunk: Buffer) => agent.receive(chunk));
    stderr.on('data', (chunk: Buffer) => log('%s: %s', host, chunk.toString('utf8').trim()));
    stream.on('end', () => agent.end(new HostAgentLostError(host, 'its stream closed')));
    stream.on('error', (e: Error) => agent.end(new HostAgentLostError(host, e.message)));
    agent.hold(false);
    return agent;
  }

  /** Only a session with a command running keeps the process alive. */
  hold(on: boolean): void {
    const socket = this.stream as Duplex & { ref?: () => void; unref?: () => void };
    if (on) socket.ref?.();
    else socket.unref?.();
  }

  get alive(): boolean {
    return this.lost === undefined;
  }

  run(argv: readonly string[]): Promise<ExecResult> {
    if (this.lost) return Promise.reject(this.lost);
    if (this.pending) return Promise.reject(new Error('HostAgent.run while busy'));
    const id = this.nextId++;
    return new Promise<ExecResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.hold(true);
      const script = Buffer.from(agentScript(argv)).toString('base64');
      this.stream.write(`${id} ${script}\n`);
    });
  }

  private receive(chunk: Buffer): void {
    let results: ReturnType<AgentFrameReader['push']>;
    try {
      results = this.reader.push(chunk);
    } catch (error) {
      this.end(new HostAgentLostError(this.host, (error as Error).message));
      this.close();
      return;
    }
    for (const { id, result } of results) {
      const pending = this.pending;
      if (pending?.id !== id) {
        this.end(new HostAgentLostError(this.host, `an answer to command ${id} nobody asked for`));
        return;
      }
      this.pending = undefined;
      this.hold(false);
      pending.resolve(result);
    }
  }

  private end(error: Error): void {
    this.lost ??= error;
    const pending = this.pending;
    this.pending = undefined;
    this.hold(false);
    pending?.reject(this.lost);
  }

  close(): void {
    this.end(new HostAgentLostError(this.host, 'closed'));
    this.stream.end();
    this.stream.destroy();
  }
}

/** Sessions opened at most per host; more concurrent commands wait for one. */
const MAX_AGENTS = 4;

/** The command sessions of one host: opened on demand, reused, at most MAX_AGENTS. */
export class HostAgentPool {
  /** Open sessions not running a command. */
  private readonly free: HostAgent[] = [];
  /** Sessions running a command or being opened. */
  private held = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly containerId: string,
    private readonly host: string,
  ) {}

  async exec(argv: readonly string[]): Promise<ExecResult> {
    const agent = await this.take();
    try {
      return await agent.run(argv);
    } finally {
      this.give(agent);
    }
  }

  /** A free session (held by the caller until give()), a new one, or the next freed. */
  private async take(): Promise<HostAgent> {
    for (;;) {
      if (this.closed) throw new HostAgentLostError(this.host, 'the host is stopping');
      let agent = this.free.pop();
      while (agent && !agent.alive) agent = this.free.pop();
      if (agent) {
        this.held++;
        return agent;
      }
      if (this.free.length + this.held < MAX_AGENTS) {
        this.held++;
        try {
          return await HostAgent.open(dockerClient().getContainer(this.containerId), this.host);
        } catch (error) {
          this.held--;
          this.waiting.shift()?.();
          throw error;
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private give(agent: HostAgent): void {
    this.held--;
    if (this.closed || !agent.alive) agent.close();
    else this.free.push(agent);
    this.waiting.shift()?.();
  }

  close(): void {
    this.closed = true;
    for (const agent of this.free.splice(0)) agent.close();
    for (const wake of this.waiting.splice(0)) wake();
  }
}
