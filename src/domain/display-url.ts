import { isSensitiveKey } from "./secret-redaction.ts";

/** Query parameters that carry a credential besides the names `isSensitiveKey` knows. */
const sensitiveParameters = /^(?:key|sig|signature|auth|code)$/i;
/** `scheme://userinfo@`: an `@` in the authority, before any path, query or fragment. */
const userinfoPattern = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/**
 * A URL as it may be printed or logged: userinfo (`user:password@`) becomes `***@` and the
 * values of credential-like query parameters (`token`, `password`, `api_key`, …) become `***`.
 * Text that is not a URL (a local path) comes back as it is, without any userinfo.
 */
export function displayUrl(url: string): string {
  if (!URL.canParse(url)) return url.replace(userinfoPattern, "$1***@");
  const parsed = new URL(url);
  const hadUserinfo = parsed.username !== "" || parsed.password !== "";
  parsed.username = "";
  parsed.password = "";
  for (const name of new Set(parsed.searchParams.keys())) {
    if (isSensitiveKey(name) || sensitiveParameters.test(name)) parsed.searchParams.set(name, "***");
  }
  const text = parsed.toString();
  return hadUserinfo ? text.replace(/^([a-z][a-z0-9+.-]*:\/\/)/i, "$1***@") : text;
}
