// Git over SSH (issue 16): one ssh2 connection per fetch, authenticated with
// the private key from --ssh-key-file, the server's host key checked against
// --ssh-known-hosts (known-hosts.ts) before anything else is sent; then
// `git-upload-pack '<path>'` on an exec channel, spoken to as over HTTP, but
// on one connection: the server's advertisement, our request, its answer.
// `GIT_PROTOCOL=version=2` in the channel's environment asks for protocol v2;
// an sshd that does not pass it on (Debian's AcceptEnv is LANG LC_* only)
// leaves git in v0, which the advertisement shows. The same timeout as HTTP's
// covers connecting (TCP, handshake, auth) and every wait for the server.
import type { Client, ClientChannel, ParsedKey, PublicKeyAuthMethod } from "ssh2";
import { KubefoxError, type Retry } from "../errors.js";
import { discoveryFrom } from "./discover.js";
import { ProtocolError } from "./git/pkt-line.js";
import { isVersion2, packetsUntilFlush, parseCapabilities, text } from "./git/protocol-v2.js";
import { parseRefAdvertisement } from "./git/ref-advertisement.js";
import {
  checkHostKey,
  hostKeyAlgorithms,
  knownHostName,
  type KnownHosts,
} from "../ssh/known-hosts.js";
import { uploadPackCommand, type SshLocation } from "../ssh/location.js";
import type { GitTransport } from "./transport.js";

/** The SSH settings, read and checked once by the CLI. */
export interface SshCredentials {
  /** The private key, decrypted (parsed once: a passphrase's KDF is slow). */
  readonly key: ParsedKey;
  /** `ssh-ed25519 SHA256:...` of its public half, for messages. */
  readonly keyDescription: string;
  readonly knownHosts: KnownHosts;
}

/** An SSH failure: `never` when the server refused us (host key, key), else retried. */
export class SshError extends KubefoxError {
  readonly code = "SourceUnavailable";
  constructor(
    message: string,
    readonly retry: Retry,
  ) {
    super(message);
  }
}

export function sshTransport(
  location: SshLocation,
  credentials: SshCredentials,
  timeoutMs: number,
): GitTransport {
  let session: Session | undefined;
  const connection = (): Session => {
    if (!session) throw new Error("greet() opens the SSH session");
    return session;
  };
  return {
    async greet(v2) {
      session = await Session.open(location, credentials, timeoutMs, v2);
      const lines = await packetsUntilFlush(session.response());
      if (isVersion2(lines[0]))
        return { version: 2, capabilities: parseCapabilities(lines.slice(1)) };
      return { version: 0, discovery: discoveryFrom(parseRefAdvertisement(lines)) };
    },
    uploadPack(request) {
      const s = connection();
      s.write(request);
      return s.response();
    },
    get received() {
      return session?.received ?? 0;
    },
    close() {
      session?.close();
    },
  };
}

/** One connection and its git-upload-pack channel. */
class Session {
  /** Bytes received and not yet handed out: the start of the next answer. */
  private pending: Buffer = Buffer.alloc(0);
  received = 0;
  private stderr = "";
  private exitCode: number | undefined;
  private readonly closed: Promise<void>;
  private readonly chunks: AsyncIterator<Buffer>;
  private failure: SshError | undefined;
  private onFailure: ((err: SshError) => void) | undefined;

  private constructor(
    private readonly conn: Client,
    private readonly channel: ClientChannel,
    private readonly name: string,
    private readonly timeoutMs: number,
  ) {
    channel.stderr.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 2000) this.stderr += chunk.toString("utf8");
    });
    channel.on("exit", (code: number | null) => {
      this.exitCode = code ?? undefined;
    });
    this.closed = new Promise((resolve) => channel.once("close", () => resolve()));
    this.chunks = (channel as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  static async open(
    location: SshLocation,
    credentials: SshCredentials,
    timeoutMs: number,
    v2: boolean,
  ): Promise<Session> {
    const { default: ssh2 } = await import("ssh2");
    const name = knownHostName(location.host, location.port);
    const conn = new ssh2.Client();
    let refusal: SshError | undefined;
    let failure: Error | undefined;
    await new Promise<void>((resolve, reject) => {
      conn.once("ready", () => resolve());
      conn.on("error", (err: Error & { level?: string }) => {
        failure = refusal ?? connectError(err, name, location.user, credentials, timeoutMs);
        reject(failure);
      });
      conn.connect({
        host: location.host,
        port: location.port,
        username: location.user,
        authHandler: [publicKeyAuth(location.user, credentials.key)],
        readyTimeout: timeoutMs,
        keepaliveInterval: Math.max(1000, Math.floor(timeoutMs / 3)),
        keepaliveCountMax: 3,
        algorithms: { serverHostKey: hostKeyAlgorithms(credentials.knownHosts, name) as never },
        hostVerifier: (key: Buffer) => {
          const verdict = checkHostKey(credentials.knownHosts, name, key);
          if (!verdict.trusted) refusal = new SshError(verdict.message, "never");
          return verdict.trusted;
        },
      });
    });
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      conn.exec(
        uploadPackCommand(location.path),
        { env: v2 ? { GIT_PROTOCOL: "version=2" } : {} },
        (err, stream) => {
          if (err) {
            conn.end();
            reject(
              new SshError(`${name} refused to run git-upload-pack: ${err.message}`, "backoff"),
            );
          } else resolve(stream);
        },
      );
    }).catch((err: unknown) => {
      conn.end();
      throw err;
    });
    const session = new Session(conn, channel, name, timeoutMs);
    // A connection that fails later (reset, keepalive unanswered) fails the read waiting on it.
    conn.on("error", (err: Error) => session.fail(err));
    return session;
  }

  fail(err: Error): void {
    this.failure ??= new SshError(`connection to ${this.name} lost: ${err.message}`, "backoff");
    this.onFailure?.(this.failure);
  }

  write(request: Buffer): void {
    this.channel.write(request);
  }

  /**
   * The bytes of the server's next answer, as they arrive, up to and with the
   * flush that ends it (delimiters and side-band packets inside it pass). Only
   * packet headers are read here; bytes after the flush wait for the next call.
   */
  async *response(): AsyncGenerator<Buffer, void, undefined> {
    let scanned = 0;
    for (;;) {
      while (this.pending.length - scanned >= 4) {
        const length = pktLength(this.pending, scanned);
        if (length === 0) {
          const answer = this.pending.subarray(0, scanned + 4);
          this.pending = this.pending.subarray(scanned + 4);
          yield answer;
          return;
        }
        const size = length < 4 ? 4 : length; // 0001 and 0002: delimiter, response end
        if (this.pending.length - scanned < size) break;
        scanned += size;
      }
      if (scanned > 0) {
        const whole = this.pending.subarray(0, scanned);
        this.pending = this.pending.subarray(scanned);
        scanned = 0;
        yield whole;
      }
      const next = await this.read();
      if (next.done) throw await this.endedEarly();
      this.received += next.value.length;
      this.pending = this.pending.length ? Buffer.concat([this.pending, next.value]) : next.value;
    }
  }

  close(): void {
    this.channel.end();
    this.conn.end();
  }

  /** The next chunk, or a timeout (the connection is then dropped). */
  private read(): Promise<IteratorResult<Buffer>> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const timer = setTimeout(() => {
        reject(
          new SshError(`no answer from ${this.name} for ${this.timeoutMs / 1000}s`, "backoff"),
        );
        this.conn.end();
      }, this.timeoutMs);
      this.onFailure = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      this.chunks.next().then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(
            err instanceof SshError
              ? err
              : new SshError(
                  `connection to ${this.name} lost: ${(err as Error).message}`,
                  "backoff",
                ),
          );
        },
      );
    });
  }

  /** git-upload-pack ended before its answer did: say why, in the server's words. */
  private async endedEarly(): Promise<SshError> {
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    const said = this.stderr
      .split("\n")
      .map((line) => text(Buffer.from(line)))
      .filter(Boolean)
      .join("; ")
      .slice(0, 500);
    const status = this.exitCode === undefined ? "" : ` (exit status ${this.exitCode})`;
    // A command that fails with words of its own (no such repository, access
    // denied) fails the same way again; one that says nothing may be a glitch.
    return new SshError(
      `git-upload-pack on ${this.name} ended before answering${status}${said ? `: ${said}` : ""}`,
      this.exitCode && said ? "never" : "backoff",
    );
  }
}

function publicKeyAuth(username: string, key: ParsedKey): PublicKeyAuthMethod {
  return { type: "publickey", username, key };
}

function pktLength(buf: Buffer, pos: number): number {
  const hex = buf.toString("latin1", pos, pos + 4);
  if (!/^[0-9a-f]{4}$/i.test(hex))
    throw new ProtocolError(`bad pkt-line length ${JSON.stringify(hex)}`);
  const length = Number.parseInt(hex, 16);
  if (length === 3) throw new ProtocolError(`bad pkt-line length ${hex}`);
  return length;
}

/** Why connecting failed, for a status field; refusals are not retried. */
function connectError(
  err: Error & { level?: string },
  name: string,
  user: string,
  credentials: SshCredentials,
  timeoutMs: number,
): SshError {
  switch (err.level) {
    case "client-authentication":
      return new SshError(
        `${name} refused the key ${credentials.keyDescription} for user ${user}`,
        "never",
      );
    case "client-timeout":
      return new SshError(
        `timed out: no SSH handshake with ${name} within ${timeoutMs / 1000}s`,
        "backoff",
      );
    case "client-socket":
    case "client-dns":
      return new SshError(`cannot reach ${name}: ${err.message}`, "backoff");
    default:
      return new SshError(`SSH connection to ${name} failed: ${err.message}`, "backoff");
  }
}
