// How a fetch talks to git-upload-pack, whatever carries the bytes: smart HTTP
// (http-transport.ts) or an SSH exec channel (ssh-transport.ts). fetch.ts
// speaks protocol v2 or v0 over either (issue 16).
import type { Discovery } from "./discover.js";
import type { V2Capabilities } from "./git/protocol-v2.js";

/** The server's first words: a v0 ref advertisement, or v2's capabilities. */
export type Greeting =
  { version: 0; discovery: Discovery } | { version: 2; capabilities: V2Capabilities };

export interface GitTransport {
  /** Starts the conversation, asking for protocol v2 when `v2`; a server without it answers in v0. */
  greet(v2: boolean): Promise<Greeting>;
  /**
   * Goes on in protocol v2 with capabilities the server stated before, without
   * asking again; only where requests are independent (HTTP). Absent over SSH,
   * where the server speaks first on every connection anyway.
   */
  resume?(capabilities: V2Capabilities): Greeting;
  /**
   * Sends one request (v0's wants and haves, or a v2 command) and yields the
   * answer's bytes as they arrive, up to the flush that ends it.
   */
  uploadPack(request: Buffer): AsyncIterable<Uint8Array>;
  /** Bytes received from the server so far (for logs and the benchmark). */
  readonly received: number;
  /** Ends the conversation (an SSH connection; nothing over HTTP). */
  close(): void;
}
