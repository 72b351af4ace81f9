// The texts of the files a model was read from, so that a check made after
// loading (a template against an environment, issue 5) can still say on which
// line and column the file says what it found. Only the text is kept, and it is
// parsed again the first time a problem is placed in it: the parser's node tree
// costs several times the text, and loaded systems are cached per commit.
import type { Problem } from "../errors.js";
import type { FieldPath, Issue } from "./issue.js";
import { problemAt } from "./tree-files.js";
import type { ParsedDocument } from "./yaml-document.js";
import { parseYamlText } from "./yaml-file.js";

export class SourceTexts {
  readonly #texts: ReadonlyMap<string, string>;
  readonly #parsed = new Map<string, ParsedDocument[]>();

  /** Texts by file. */
  constructor(texts: ReadonlyMap<string, string>) {
    this.#texts = texts;
  }

  /** `message` at the field `path` of `file`, `offset` characters into its string if given. */
  locate(file: string, path: FieldPath, message: string, offset?: number): Problem {
    return this.locateIn(file, 0, { path, message, offset });
  }

  /** The issue in the `document`th non-empty document of `file` (a manifests file holds several). */
  locateIn(file: string, document: number, issue: Issue): Problem {
    const parsed = this.#documents(file)[document];
    return parsed ? parsed.locate(issue) : problemAt(file, issue.message);
  }

  #documents(file: string): ParsedDocument[] {
    let documents = this.#parsed.get(file);
    if (!documents) {
      const text = this.#texts.get(file);
      documents = text === undefined ? [] : parseYamlText(file, text).documents;
      this.#parsed.set(file, documents);
    }
    return documents;
  }
}
