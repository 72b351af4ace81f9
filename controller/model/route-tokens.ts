// The tokens of a route rule: matcher names, quoted values (backticks or
// double quotes, no escapes), parentheses, commas, `&&` and `!`. `||` is
// refused here already, with the reason.
import { KubefoxError } from "../errors.js";

export type Token =
  | { type: "word"; value: string; at: number }
  | { type: "string"; value: string; at: number }
  | { type: "punct"; value: "(" | ")" | "," | "&&" | "!"; at: number };

/**
 * How the rule reader stops at the first mistake. It never leaves parseRouteRule,
 * which turns it into a result with the message and offset.
 */
export class RuleError extends KubefoxError {
  readonly code = "ValidationFailed";
  readonly retry = "never";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Why a rule is refused, in one phrase. */
export const CANNOT = "cannot be expressed as a Kubernetes Ingress rule";

export function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z]/.test(c)) {
      const word = /^[A-Za-z][A-Za-z0-9]*/.exec(rule.slice(i))![0];
      tokens.push({ type: "word", value: word, at: i });
      i += word.length;
    } else if (c === "`" || c === '"') {
      const end = rule.indexOf(c, i + 1);
      if (end === -1) throw new RuleError(`${c} is not closed`, i);
      tokens.push({ type: "string", value: rule.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (rule.startsWith("&&", i) || rule.startsWith("||", i)) {
      if (rule[i] === "|") {
        throw new RuleError(`|| ${CANNOT}; write one route per alternative`, i);
      }
      tokens.push({ type: "punct", value: "&&", at: i });
      i += 2;
    } else if (c === "(" || c === ")" || c === "," || c === "!") {
      tokens.push({ type: "punct", value: c, at: i });
      i++;
    } else {
      throw new RuleError(`unexpected ${JSON.stringify(c)}`, i);
    }
  }
  return tokens;
}
