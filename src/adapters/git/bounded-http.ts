import type { GitHttpResponse, HttpClient } from "isomorphic-git";
import { GitError } from "./git-error.ts";

/**
 * An HTTP client that fails once its responses pass `maxBytes` in all: isomorphic-git holds a
 * fetched pack in the service's memory, and a remote could send one larger than memory.
 * One client per fetch, so the count is that fetch's.
 */
export function boundedHttp(http: HttpClient, maxBytes: number): HttpClient {
  let received = 0;
  async function* counted(body: AsyncIterableIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      received += chunk.byteLength;
      if (received > maxBytes) {
        throw new GitError(
          `the remote sent more than ${maxBytes.toLocaleString("en-US")} bytes, the most one fetch may bring`,
          { operation: "fetch" },
        );
      }
      yield chunk;
    }
  }
  return {
    async request(request): Promise<GitHttpResponse> {
      const response = await http.request(request);
      return response.body ? { ...response, body: counted(response.body) } : response;
    },
  };
}
