// A pack arriving as chunks, for the indexer: each chunk is written to the
// pack file and hashed as it comes, and only the bytes from the entry being
// read onwards stay in memory. The pack's SHA-1 covers every byte but its last
// 20, which are the SHA-1: the last 20 bytes seen are held back from the hash.
import { createHash, type Hash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { PackLimitError, formatBytes } from "./limits.js";

export class PackInput {
  private readonly iterator: AsyncIterator<Uint8Array>;
  /** Bytes from pack offset `bufStart`; `parts` follow them, not yet joined. */
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Bytes before this offset are no longer needed in memory. */
  private keepFrom = 0;
  private received = 0;
  private ended = false;
  private readonly sha = createHash("sha1");
  private tail = Buffer.alloc(0);
  /** File writes not yet known to be done, oldest first. */
  private writes: Promise<void>[] = [];

  constructor(
    chunks: AsyncIterable<Uint8Array>,
    private readonly file: FileHandle,
    private readonly maxBytes: number,
  ) {
    this.iterator = chunks[Symbol.asyncIterator]();
  }

  /**
   * Reads until at least `n` bytes from `pos` are in memory, or the stream
   * ends; returns how many are (possibly more than `n`).
   */
  async ensure(pos: number, n: number): Promise<number> {
    for (;;) {
      const inBuf = this.bufStart + this.buf.length - pos;
      if (inBuf >= n) return inBuf;
      if (inBuf + this.partsBytes >= n || this.ended) {
        this.join();
        return Math.max(0, this.bufStart + this.buf.length - pos);
      }
      await this.read();
    }
  }

  /** The bytes [pos, pos + length), which `ensure` made available. */
  view(pos: number, length: number): Buffer {
    return this.buf.subarray(pos - this.bufStart, pos - this.bufStart + length);
  }

  /** Bytes before `pos` may be dropped from memory. */
  release(pos: number): void {
    this.keepFrom = pos;
  }

  /** Reads the rest of the stream; whether the last 20 bytes are the SHA-1 of the rest. */
  async drainAndCheck(): Promise<boolean> {
    while (!this.ended) {
      await this.read();
      // Nothing more is parsed: keep none of it in memory.
      this.parts = [];
      this.partsBytes = 0;
    }
    // Every byte in the file before anyone reads it back.
    await Promise.all(this.writes.splice(0));
    return this.tail.length === 20 && this.sha.copy().digest().equals(this.tail);
  }

  /** The pack's trailing SHA-1 (valid once the stream ended). */
  checksum(): Buffer {
    return Buffer.from(this.tail);
  }

  /** Stops reading (closing the response underneath, when it did not end). */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.iterator.return?.();
    }
    await Promise.allSettled(this.writes.splice(0));
  }

  private join(): void {
    const from = Math.max(
      0,
      Math.min(this.keepFrom, this.bufStart + this.buf.length) - this.bufStart,
    );
    this.buf = Buffer.concat([this.buf.subarray(from), ...this.parts]);
    this.bufStart += from;
    this.parts = [];
    this.partsBytes = 0;
  }

  private async read(): Promise<void> {
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
    if (this.received + chunk.length > this.maxBytes) {
      throw new PackLimitError(`the pack is over the limit of ${formatBytes(this.maxBytes)}`);
    }
    // Written in the background, at most two chunks behind the parser: a round
    // trip to the thread pool per chunk, awaited, cost the clone a tenth of its
    // time; writing synchronously left the event loop no idle moment for the
    // garbage collector, and a 300 MiB pack peaked 25 MiB higher.
    const write = this.file.write(chunk, 0, chunk.length, this.received).then(() => undefined);
    this.writes.push(write);
    write.catch(() => undefined);
    if (this.writes.length > 2) await this.writes.shift();
    this.received += chunk.length;
    this.hashHoldingBack(chunk, this.sha);
    this.parts.push(chunk);
    this.partsBytes += chunk.length;
  }

  private hashHoldingBack(chunk: Buffer, sha: Hash): void {
    const excess = this.tail.length + chunk.length - 20;
    if (excess <= 0) {
      this.tail = Buffer.concat([this.tail, chunk]);
      return;
    }
    const fromTail = Math.min(this.tail.length, excess);
    sha.update(this.tail.subarray(0, fromTail));
    sha.update(chunk.subarray(0, excess - fromTail));
    this.tail = Buffer.concat([this.tail.subarray(fromTail), chunk.subarray(excess - fromTail)]);
  }
}
