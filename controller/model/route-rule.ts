// Route rules (DESIGN §2): Traefik-style `Host(`h`) && PathPrefix(`/p`)`, read
// only as far as one Kubernetes Ingress rule can express them: at most one Host
// matcher (with one or more hosts) and at most one Path or PathPrefix, joined
// by `&&`. Anything else is refused with the reason, not half-rendered.
import { isIP } from "node:net";
import { isHostName } from "./host.js";
import { CANNOT, RuleError, tokenize, type Token } from "./route-tokens.js";
import { parseTemplate, type TemplateVariable } from "./template.js";

export interface RouteRule {
  /** Hosts the rule serves, templates unfilled. Empty: every host of the environment. */
  hosts: string[];
  /**
   * `Exact` from Path, `Prefix` from PathPrefix (or `/` when the rule has no path).
   * An Ingress matches prefixes by path element, so `/shop` matches `/shop/cart`
   * but not `/shopping`, where Traefik matches characters.
   */
  path: { type: "Exact" | "Prefix"; value: string };
  /** Variables the hosts and path read; offsets are into the rule. */
  needs: TemplateVariable[];
}

export type ParsedRouteRule =
  ({ ok: true } & RouteRule) | { ok: false; message: string; offset: number };

/** Traefik matchers an Ingress has no equivalent for. */
const inexpressible = new Set([
  "HostRegexp",
  "HostHeader",
  "PathRegexp",
  "Header",
  "HeaderRegexp",
  "HeadersRegexp",
  "Headers",
  "Method",
  "Query",
  "QueryRegexp",
  "ClientIP",
]);

export function parseRouteRule(rule: string): ParsedRouteRule {
  try {
    return { ok: true, ...readRule(rule) };
  } catch (err) {
    if (err instanceof RuleError) return { ok: false, message: err.message, offset: err.offset };
    throw err;
  }
}

function readRule(rule: string): RouteRule {
  const tokens = tokenize(rule);
  if (tokens.length === 0) throw new RuleError("is empty; write e.g. PathPrefix(`/`)", 0);
  const result: RouteRule = { hosts: [], path: { type: "Prefix", value: "/" }, needs: [] };
  let sawHost = false;
  let sawPath = false;
  let i = 0;
  for (;;) {
    const { name, args, at, next: after } = readMatcher(tokens, i);
    i = after;
    if (name === "Host") {
      if (sawHost)
        throw new RuleError("has two Host matchers; list the hosts in one: Host(`a`, `b`)", at);
      sawHost = true;
      for (const arg of args) result.hosts.push(checkHost(arg, result.needs));
    } else {
      if (sawPath)
        throw new RuleError(
          "has two Path or PathPrefix matchers; an Ingress rule has one path",
          at,
        );
      if (args.length !== 1) throw new RuleError(`${name} takes exactly one path`, at);
      sawPath = true;
      result.path = {
        type: name === "Path" ? "Exact" : "Prefix",
        value: checkPath(args[0]!, result.needs),
      };
    }
    const next = tokens[i];
    if (!next) return result;
    if (next.type === "punct" && next.value === "&&") {
      i++;
      continue;
    }
    throw unexpected(next, "&& or the end of the rule");
  }
}

function readMatcher(
  tokens: Token[],
  i: number,
): {
  name: "Host" | "Path" | "PathPrefix";
  args: { value: string; at: number }[];
  at: number;
  /** The index of the token after the matcher's ")". */
  next: number;
} {
  const word = tokens[i];
  if (!word) throw new RuleError("ends after &&; a matcher must follow", lastOffset(tokens));
  if (word.type === "punct" && word.value === "(") {
    throw new RuleError(`parentheses ${CANNOT}; join Host, Path and PathPrefix with &&`, word.at);
  }
  if (word.type === "punct" && word.value === "!") {
    throw new RuleError(`negation (!) ${CANNOT}`, word.at);
  }
  if (word.type !== "word") throw unexpected(word, "a matcher such as Host(`...`)");
  if (word.value !== "Host" && word.value !== "Path" && word.value !== "PathPrefix") {
    if (inexpressible.has(word.value)) {
      throw new RuleError(`${word.value} ${CANNOT}; use Host, Path or PathPrefix`, word.at);
    }
    throw new RuleError(`unknown matcher ${word.value}; use Host, Path or PathPrefix`, word.at);
  }
  expectPunct(tokens[i + 1], "(", word.at + word.value.length);
  const args: { value: string; at: number }[] = [];
  let j = i + 2;
  for (;;) {
    const arg = tokens[j];
    if (!arg || arg.type !== "string") {
      throw arg ? unexpected(arg, "a quoted value such as `/shop`") : endedEarly(tokens);
    }
    args.push({ value: arg.value, at: arg.at + 1 });
    const after = tokens[j + 1];
    if (after?.type === "punct" && after.value === ",") {
      j += 2;
      continue;
    }
    expectPunct(after, ")", lastOffset(tokens));
    return { name: word.value, args, at: word.at, next: j + 2 };
  }
}

function checkHost(arg: { value: string; at: number }, needs: TemplateVariable[]): string {
  const vars = readTemplate(arg, needs);
  if (vars === 0) {
    if (isIP(arg.value) !== 0) {
      throw new RuleError(
        `Host(\`${arg.value}\`): an Ingress serves host names, not IP addresses`,
        arg.at,
      );
    }
    if (!isHostName(arg.value)) {
      throw new RuleError(`Host(\`${arg.value}\`) is not a lowercase DNS host name`, arg.at);
    }
  }
  return arg.value;
}

function checkPath(arg: { value: string; at: number }, needs: TemplateVariable[]): string {
  readTemplate(arg, needs);
  if (!arg.value.startsWith("/")) {
    throw new RuleError(`path \`${arg.value}\` must start with "/"`, arg.at);
  }
  const regex = arg.value.replace(/\{\{.*?\}\}/g, "").search(/[{}]/);
  if (regex !== -1) {
    throw new RuleError(`path patterns such as {id:[0-9]+} ${CANNOT}`, arg.at);
  }
  return arg.value;
}

/** Checks the template in an argument and records what it reads; returns how many variables. */
function readTemplate(arg: { value: string; at: number }, needs: TemplateVariable[]): number {
  const parsed = parseTemplate(arg.value);
  if (!parsed.ok) throw new RuleError(parsed.message, arg.at + parsed.offset);
  for (const v of parsed.needs) {
    if (v.source === "Secrets") {
      throw new RuleError(
        `route rules cannot read {{.Secrets.${v.name}}}: secrets stay in Secrets`,
        arg.at + v.offset,
      );
    }
    if (!needs.some((n) => n.source === v.source && n.name === v.name)) {
      needs.push({ ...v, offset: arg.at + v.offset });
    }
  }
  return parsed.needs.length;
}

function expectPunct(token: Token | undefined, value: string, fallback: number): void {
  if (token?.type === "punct" && token.value === value) return;
  if (!token) throw new RuleError(`ends early; expected "${value}"`, fallback);
  throw unexpected(token, `"${value}"`);
}

function unexpected(token: Token, expected: string): RuleError {
  const shown = token.type === "string" ? `\`${token.value}\`` : token.value;
  return new RuleError(`expected ${expected}, found ${shown}`, token.at);
}

function endedEarly(tokens: Token[]): RuleError {
  return new RuleError("ends early; a matcher is not finished", lastOffset(tokens));
}

function lastOffset(tokens: Token[]): number {
  const last = tokens[tokens.length - 1];
  return last ? last.at : 0;
}
