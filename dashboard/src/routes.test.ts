import { describe, expect, it } from "vitest";
import { href, parseRoute, type Route } from "./routes.js";

describe("routes", () => {
  it.each<[string, Route]>([
    ["", { page: "overview" }],
    ["#/", { page: "overview" }],
    [
      "#/platform/dev/deployment/shop/branch%2Ffeature%2Fx",
      { page: "deployment", platform: "dev", system: "shop", ref: "branch/feature/x" },
    ],
    [
      "#/platform/dev/release/shop/prod",
      { page: "release", platform: "dev", system: "shop", environment: "prod" },
    ],
    ["#/platform/dev/topology", { page: "topology", platform: "dev" }],
    ["#/system/shop", { page: "repository", system: "shop" }],
    ["#/nope", { page: "not-found", hash: "#/nope" }],
    ["#/system/%E0%A4%A", { page: "not-found", hash: "#/system/%E0%A4%A" }],
  ])("%s", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    if (route.page !== "not-found" && hash !== "") expect(parseRoute(href(route))).toEqual(route);
  });
});
