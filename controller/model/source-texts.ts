// The texts of the files a model was read from, so that a check made after
// loading (a template against an environment, issue 5) can still say on which
// line and column the file says what it found. Only the text is kept, and it is
// parsed again the first time a problem is placed in it: the parser's node tree
// costs several times the text, and loaded systems are cached per commit.
import type { Problem } from "../errors.js";
import type { FieldPath } from "./issue.js";
import { problemAt } from "./tree-files.js";
import type { ParsedDocument } from "./yaml-document.js";
import { parseYamlText } from "./yaml-file.js";

export class SourceTexts {
  readonly #texts: ReadonlyMap<string, string>;
  readonly #parsed = new Map<string, ParsedDocument | undefined>();

  /** Texts by file, each of a file that holds one document. */
  constructor(texts: ReadonlyMap<string, string>) {
    this.#texts = texts;
  }

  /** `message` at the field `path` of `file`, `offset` characters into its string if given. */
  locate(file: string, path: FieldPath, message: string, offset?: number): Problem {
    const document = this.#document(file);
    if (!document) return problemAt(file, message);
    return document.locate({ path, message, offset });
  }

  #document(file: string): ParsedDocument | undefined {
    if (!this.#parsed.has(file)) {
      const text = this.#texts.get(file);
      this.#parsed.set(
        file,
        text === undefined ? undefined : parseYamlText(file, text).documents[0],
      );
    }
    return this.#parsed.get(file);
  }
}
