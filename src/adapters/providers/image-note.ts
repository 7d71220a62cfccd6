import type { ImagePart } from "../../domain/messages.ts";

/** What a request says in place of an image whose bytes it does not carry. */
export function imageNote(part: ImagePart): string {
  return `[An image was shared here (${part.name}, ${part.mediaType}); this model is not shown images.]`;
}
