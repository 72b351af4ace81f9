// Links to the dashboard's pages (DESIGN §6), under the controller's public
// URL. The dashboard routes in the URL's fragment, so a link works from a
// static page and never reaches the server with a path it does not serve.
// One place, so that the links follow the dashboard if its routes move.

export function deploymentUrl(
  publicUrl: string | undefined,
  platform: string,
  system: string,
  ref: string,
): string | undefined {
  if (!publicUrl) return undefined;
  const slash = ref.indexOf("/");
  const [refType, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
  return page(publicUrl, ["platform", platform, "deployment", system, refType, name]);
}

export function releaseUrl(
  publicUrl: string | undefined,
  platform: string,
  system: string,
  environment: string,
): string | undefined {
  if (!publicUrl) return undefined;
  return page(publicUrl, ["platform", platform, "release", system, environment]);
}

function page(publicUrl: string, segments: string[]): string {
  return `${publicUrl.replace(/\/+$/, "")}/#/${segments.map(encodeURIComponent).join("/")}`;
}
