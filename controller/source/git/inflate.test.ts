import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { inflatePrefix } from "./inflate.js";

describe("inflatePrefix", () => {
  // Small, compressible files are deflated with a dynamic Huffman table that fills
  // most of the stream: the header must still come out (it read as "bad header").
  it.each([
    [
      "a short YAML file",
      "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: demo}\n",
    ],
    ["a repetitive file", "replicas: 2\n".repeat(40)],
    ["a larger file", "x: ".repeat(20_000)],
    ["an empty file", ""],
  ])("reads the header of %s as git wrote it", async (_name, content) => {
    const dir = await mkdtemp(path.join(tmpdir(), "kubefox-inflate-"));
    await execa("git", ["init", "--quiet", dir]);
    const { stdout: id } = await execa("git", ["hash-object", "-w", "--stdin"], {
      cwd: dir,
      input: content,
    });
    const loose = await readFile(path.join(dir, ".git", "objects", id.slice(0, 2), id.slice(2)));
    const head = inflatePrefix(loose.subarray(0, 256), 64);
    expect(head.toString("latin1")).toMatch(new RegExp(`^blob ${Buffer.byteLength(content)}\\0`));
    expect(head.length).toBeLessThanOrEqual(64);
  });
});
