import { formatModelRef, type ModelRef } from "./model.ts";
import { hasPrice } from "./pricing.ts";

/** The shape of `config.imageModels` (`THREADWORK_IMAGE_MODELS`): keys `provider:model`. */
export type ImageModelOverrides = Record<string, boolean>;

/**
 * Whether a model is shown images. A setting wins; otherwise every Claude model is, and an
 * OpenAI model is when it is one the price table lists (OpenAI's own, all of which take
 * images). A model nobody listed, such as one a local OpenAI-compatible server serves, gets
 * a note in place of each image, since many such models refuse image input.
 */
export function acceptsImages(ref: ModelRef, overrides: ImageModelOverrides = {}): boolean {
  const key = formatModelRef(ref);
  const override = overrides[key];
  if (override !== undefined) return override;
  if (ref.provider === "anthropic") return true;
  return ref.provider === "openai" && hasPrice(key);
}
