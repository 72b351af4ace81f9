// Issue 16: a push names the repository in the forms its host uses; an SSH
// --repo is matched by every provider's push, through the provider's own
// parser, and an HTTPS --repo by a push that names only the SSH URL.
import { describe, expect, it } from "vitest";
import { generic, genericPush, pushDelivery, providerNames } from "../test/webhooks/payloads.js";
import { matchesRepository } from "./match-repo.js";
import { providers } from "./providers.js";

const secret = "s3cret";
const https = "https://git.example.com/acme/shop.git";

function cloneUrls(d: { provider: string; headers: Record<string, string>; body: string }) {
  const provider = providers.get(d.provider === "bitbucket-server" ? "bitbucket" : d.provider)!;
  const event = provider.parse(d.headers, JSON.parse(d.body) as unknown);
  expect(event.kind).toBe("push");
  return event.kind === "push" ? event.cloneUrls : [];
}

describe("an SSH --repo", () => {
  it.each(providerNames.filter((p) => p !== "generic"))(
    "is matched by a %s push, in either SSH form",
    (provider) => {
      const urls = cloneUrls(pushDelivery(provider, { url: https }, secret));
      for (const watched of [
        "git@git.example.com:acme/shop.git",
        "ssh://git@git.example.com/acme/shop.git",
        "ssh://git@git.example.com:2222/acme/shop.git",
      ]) {
        expect(matchesRepository(watched, urls), watched).toBe(true);
        expect(matchesRepository(watched.replace("shop", "shop-api"), urls)).toBe(false);
      }
    },
  );
});

describe("an HTTPS --repo", () => {
  it.each(["git@git.example.com:acme/shop.git", "ssh://git@git.example.com:2222/acme/shop"])(
    "is matched by a push that names only %s",
    (url) => {
      const d = { ...generic(genericPush({ url }), secret), provider: "generic" };
      expect(matchesRepository(https, cloneUrls(d))).toBe(true);
    },
  );
});
