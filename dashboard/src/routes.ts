// The dashboard's pages, addressed by the URL's #fragment (hash routing): the
// server serves one index.html at `/` and never sees the route, so a reload or
// a shared link lands on the same page with no server-side fallback. Each
// segment is URL-encoded (a ref like branch/feature/x is one segment).

export type Route =
  | { page: "overview" }
  | { page: "deployment"; platform: string; system: string; ref: string }
  | { page: "release"; platform: string; system: string; environment: string }
  | { page: "topology"; platform: string }
  | { page: "repository"; system: string }
  | { page: "not-found"; hash: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  if (path === "") return { page: "overview" };
  let parts: string[];
  try {
    parts = path.split("/").map(decodeURIComponent);
  } catch {
    return { page: "not-found", hash };
  }
  const [first, a, b, c, d] = parts;
  if (first === "platform" && a && b === "deployment" && c && d && parts.length === 5)
    return { page: "deployment", platform: a, system: c, ref: d };
  if (first === "platform" && a && b === "release" && c && d && parts.length === 5)
    return { page: "release", platform: a, system: c, environment: d };
  if (first === "platform" && a && b === "topology" && parts.length === 3)
    return { page: "topology", platform: a };
  if (first === "system" && a && parts.length === 2) return { page: "repository", system: a };
  return { page: "not-found", hash };
}

export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case "overview":
      return "#/";
    case "deployment":
      return `#/platform/${e(route.platform)}/deployment/${e(route.system)}/${e(route.ref)}`;
    case "release":
      return `#/platform/${e(route.platform)}/release/${e(route.system)}/${e(route.environment)}`;
    case "topology":
      return `#/platform/${e(route.platform)}/topology`;
    case "repository":
      return `#/system/${e(route.system)}`;
    case "not-found":
      return route.hash;
  }
}
