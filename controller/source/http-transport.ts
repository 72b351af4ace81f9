// Smart HTTP (gitprotocol-http(5)) through isomorphic-git's transport: a GET of
// info/refs to start, a POST to git-upload-pack per request. Protocol v2 is
// asked for with the `Git-Protocol: version=2` header on every request.
import type { HttpClient } from "isomorphic-git";
import { GitRemoteHTTP } from "isomorphic-git/managers";
import { discoverRefs } from "./discover.js";
import type { PackLimits } from "./git/limits.js";
import type { GitTransport } from "./transport.js";

export function httpTransport(options: {
  /** The repository URL, without credentials. */
  url: string;
  http: HttpClient;
  /** Sent with every request, when the server needs credentials. */
  authorization?: string;
  /** Bounds on the ref advertisement (the pack's are the caller's). */
  limits?: PackLimits;
}): GitTransport {
  let v2 = false;
  let received = 0;
  const http: HttpClient = {
    async request(req) {
      const res = await options.http.request(req);
      return res.body ? { ...res, body: counted(res.body) } : res;
    },
  };
  async function* counted(body: AsyncIterableIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      received += chunk.length;
      yield chunk;
    }
  }
  const headers = (): Record<string, string> => ({
    ...(options.authorization ? { Authorization: options.authorization } : {}),
    ...(v2 ? { "Git-Protocol": "version=2" } : {}),
  });
  return {
    async greet(wantV2) {
      const greeting = await discoverRefs(
        http,
        options.url,
        headers(),
        wantV2 ? 2 : 1,
        options.limits,
      );
      v2 = greeting.version === 2;
      return greeting;
    },
    resume(capabilities) {
      v2 = true;
      return { version: 2, capabilities };
    },
    async *uploadPack(request) {
      const response = await GitRemoteHTTP.connect({
        http,
        service: "git-upload-pack",
        url: options.url,
        auth: {},
        headers: headers(),
        body: [request],
      });
      if (response.body) yield* response.body;
    },
    get received() {
      return received;
    },
    close() {},
  };
}
