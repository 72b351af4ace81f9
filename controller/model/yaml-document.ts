// One parsed YAML document: its plain data, and the way back from a field path
// to the line and column where the file says it.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { Problem } from "../errors.js";
import type { FieldPath, Issue } from "./issue.js";

export class ParsedDocument {
  constructor(
    readonly file: string,
    /** The document as plain data (maps are objects, lists arrays). */
    readonly data: unknown,
    private readonly doc: Document.Parsed,
    /** The file's text as parsed (decoded, BOM dropped): enough to parse it again. */
    readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  /** The issue as a Problem at the position of its field (or the nearest one the file has). */
  locate(issue: Issue): Problem {
    return { file: this.file, ...this.lines.linePos(this.offsetOf(issue)), message: issue.message };
  }

  /** A problem with the document as a whole, at its start. */
  problem(message: string): Problem {
    return this.locate({ path: [], message });
  }

  private offsetOf(issue: Issue): number {
    const { node, key, complete } = this.find(issue.path);
    if (issue.at === "key" && complete && key) return start(key);
    if (isScalar(node) && node.range) {
      if (complete && issue.offset !== undefined) return this.offsetInScalar(node, issue.offset);
      return node.range[0];
    }
    // A block map or list starts at its first entry; its key names it better.
    if (key) return start(key);
    return node ? start(node) : 0;
  }

  /** Walks the path through the node tree as far as the file has it. */
  private find(path: FieldPath): { node?: Node; key?: Node; complete: boolean } {
    let node: Node | undefined = this.resolve(this.doc.contents ?? undefined);
    let key: Node | undefined;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isScalar(p.key) && String(p.key.value) === String(part),
        );
        if (!pair) return { node, key, complete: false };
        key = pair.key as Node;
        node = this.resolve((pair.value as Node | null) ?? undefined) ?? key;
      } else if (isSeq(node) && typeof part === "number" && part < node.items.length) {
        key = undefined;
        node = this.resolve(node.items[part] as Node);
      } else {
        return { node, key, complete: false };
      }
    }
    return { node, key, complete: true };
  }

  private resolve(node: Node | undefined): Node | undefined {
    return isAlias(node) ? (node.resolve(this.doc) ?? node) : node;
  }

  /**
   * The offset of character `offset` of a scalar's value in the file. Exact when
   * the file spells the value as it is (plain, or quoted without escapes);
   * otherwise the scalar's start.
   */
  private offsetInScalar(node: Node, offset: number): number {
    const [begin] = node.range!;
    const value = isScalar(node) ? String(node.value) : "";
    const type = isScalar(node) ? node.type : undefined;
    const open = type === "QUOTE_DOUBLE" || type === "QUOTE_SINGLE" ? 1 : 0;
    if (type !== "PLAIN" && open === 0) return begin;
    const spelled = this.text.slice(begin + open, begin + open + value.length);
    return spelled === value ? begin + open + offset : begin;
  }
}

function start(node: Node): number {
  return node.range?.[0] ?? 0;
}
