import { ProviderError } from "../../domain/errors.ts";
import type { ProviderName } from "../../domain/model.ts";
import { describeSdkError, type SdkErrorClasses } from "./sdk-errors.ts";

/**
 * Collects the ids a provider's models endpoint lists, every page, within `timeoutMs`.
 * Any failure becomes a `ProviderError` carrying the HTTP status when there was one.
 */
export async function collectModelIds(
  provider: ProviderName,
  timeoutMs: number,
  list: (signal: AbortSignal) => AsyncIterable<{ id: string }>,
  classes: SdkErrorClasses,
): Promise<string[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const ids: string[] = [];
  try {
    for await (const model of list(signal)) ids.push(model.id);
    return ids;
  } catch (error) {
    if (signal.aborted) {
      throw new ProviderError(`listing models got no answer within ${timeoutMs / 1000} s`, {
        retryable: true,
        provider,
        cause: error,
      });
    }
    const described = describeSdkError(error, classes);
    throw new ProviderError(
      `listing models failed: ${described?.summary ?? (error instanceof Error ? error.message : String(error))}`,
      {
        ...(described?.status !== undefined ? { status: described.status } : {}),
        retryable: described?.retryable ?? false,
        provider,
        cause: error,
      },
    );
  }
}
