import { sharedFileData } from "../adapters/database/shared-files.ts";
import type { ChatMessage, ImagePart } from "../domain/messages.ts";
import type { ModelRef } from "../domain/model.ts";
import { acceptsImages } from "../domain/model-images.ts";
import type { RuntimeKernel } from "./kernel.ts";

/** Images one request carries at most, the newest; older ones are named only. */
const maximumImagesPerRequest = 20;

/**
 * Fills in the bytes of the images a request shows, from the events that stored them. A model
 * that is not shown images (`acceptsImages`) gets none, and each provider writes a note instead.
 */
export async function withImageData(
  kernel: RuntimeKernel,
  ref: ModelRef,
  messages: ChatMessage[],
): Promise<ChatMessage[]> {
  const images = messages.flatMap((message) => message.parts.filter((part) => part.type === "image"));
  if (images.length === 0 || !acceptsImages(ref, kernel.config.imageModels)) return messages;
  const shown = new Set<ImagePart>(images.slice(-maximumImagesPerRequest));
  const data = await sharedFileData(
    kernel.db,
    [...shown].map((part) => part.eventId),
  );
  return messages.map((message) => ({
    ...message,
    parts: message.parts.map((part) => {
      if (part.type !== "image" || !shown.has(part)) return part;
      const bytes = data.get(`${part.eventId}:${part.index}`);
      return bytes === undefined ? part : { ...part, data: bytes };
    }),
  }));
}
