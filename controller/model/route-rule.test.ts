import { describe, expect, it } from "vitest";
import { parseRouteRule } from "./route-rule.js";

describe("parseRouteRule", () => {
  it.each([
    ["PathPrefix(`/shop`)", [], { type: "Prefix", value: "/shop" }],
    ["Path(`/healthz`)", [], { type: "Exact", value: "/healthz" }],
    ["Host(`shop.example.com`)", ["shop.example.com"], { type: "Prefix", value: "/" }],
    [
      "Host(`{{.Env.domain}}`) && PathPrefix(`/shop`)",
      ["{{.Env.domain}}"],
      { type: "Prefix", value: "/shop" },
    ],
    ["PathPrefix(`/a`)&&Host(`a.io`, `b.io`)", ["a.io", "b.io"], { type: "Prefix", value: "/a" }],
    ['Host("a.io") && Path("/x")', ["a.io"], { type: "Exact", value: "/x" }],
    ["  Host( `a.io` )  ", ["a.io"], { type: "Prefix", value: "/" }],
    ["PathPrefix(`/{{.Vars.prefix}}/api`)", [], { type: "Prefix", value: "/{{.Vars.prefix}}/api" }],
  ])("%s", (rule, hosts, path) => {
    const parsed = parseRouteRule(rule);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.hosts).toEqual(hosts);
    expect(parsed.path).toEqual(path);
  });

  it("lists the variables a rule needs, with offsets into the rule", () => {
    const parsed = parseRouteRule(
      "Host(`{{.Env.sub}}.{{.Env.domain}}`) && PathPrefix(`/{{.Vars.p}}`)",
    );
    expect(parsed.ok && parsed.needs).toEqual([
      { source: "Env", name: "sub", offset: 6 },
      { source: "Env", name: "domain", offset: 19 },
      { source: "Vars", name: "p", offset: 53 },
    ]);
  });

  it.each([
    ["", 0, "is empty"],
    ["Host(`a.io`) || Host(`b.io`)", 13, "|| cannot be expressed as a Kubernetes Ingress rule"],
    ["!Host(`a.io`)", 0, "negation (!) cannot be expressed"],
    ["(Host(`a.io`))", 0, "parentheses cannot be expressed"],
    [
      "HostRegexp(`{sub:[a-z]+}.io`)",
      0,
      "HostRegexp cannot be expressed as a Kubernetes Ingress rule",
    ],
    ["Header(`X-Foo`, `bar`)", 0, "Header cannot be expressed"],
    ["Method(`GET`)", 0, "Method cannot be expressed"],
    ["Hots(`a.io`)", 0, "unknown matcher Hots; use Host, Path or PathPrefix"],
    ["Path(`/users/{id:[0-9]+}`)", 6, "path patterns"],
    ["PathPrefix(`shop`)", 12, 'must start with "/"'],
    ["Host(`a.io`) && Host(`b.io`)", 16, "two Host matchers"],
    ["Path(`/a`) && PathPrefix(`/b`)", 14, "two Path or PathPrefix matchers"],
    ["Path(`/a`, `/b`)", 0, "takes exactly one path"],
    ["Host(`Shop.IO`)", 6, "is not a lowercase DNS host name"],
    ["Host(`10.0.0.1`)", 6, "not IP addresses"],
    ["Host(`{{.Secrets.key}}`)", 6, "cannot read {{.Secrets.key}}"],
    ["Host(`{{.Env.x`)", 6, '"{{" is not closed'],
    ["Host(`a.io`", 5, 'ends early; expected ")"'],
    ["Host(`a.io", 5, "` is not closed"],
    ["Host(`a.io`) &&", 13, "ends after &&"],
    ["Host(`a.io`) PathPrefix(`/`)", 13, "expected && or the end of the rule, found PathPrefix"],
    ["Host", 4, 'ends early; expected "("'],
    ["Host()", 5, "expected a quoted value"],
    ["Host(`a.io`) & Path(`/`)", 13, 'unexpected "&"'],
  ])("%j fails at %i", (rule, offset, message) => {
    const parsed = parseRouteRule(rule);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(message);
    expect(parsed.offset).toBe(offset);
  });
});
