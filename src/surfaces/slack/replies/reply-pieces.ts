/**
 * Slack takes at most 12,000 characters of Markdown in one message (`markdown_text` on
 * `chat.postMessage`, `chat.update` and each stream call); a longer reply continues in the next.
 */
export const replyMessageLimit = 12_000;

/**
 * The start of `text` that fits in `room` characters: all of it when it fits, else cut after the
 * last paragraph break, line break or space in the second half of the room. With no such place,
 * `hardCut` cuts at the room (never inside a surrogate pair); without it nothing is taken, so the
 * caller can start a new message instead of breaking a word.
 */
export function leadingPiece(text: string, room: number, options: { hardCut: boolean }): string {
  if (text.length <= room) return text;
  if (room <= 0) return "";
  const window = text.slice(0, room);
  const half = room / 2;
  const paragraph = window.lastIndexOf("\n\n");
  for (const end of [
    paragraph === -1 ? -1 : paragraph + 2,
    window.lastIndexOf("\n") + 1,
    window.lastIndexOf(" ") + 1,
  ]) {
    if (end > half) return text.slice(0, end);
  }
  if (!options.hardCut) return "";
  const end = /[\uD800-\uDBFF]/.test(text.charAt(room - 1)) ? room - 1 : room;
  return text.slice(0, end);
}

/** `text` as consecutive pieces of at most `maximum` characters, cut as `leadingPiece` cuts. */
export function replyPieces(text: string, maximum = replyMessageLimit): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const piece = leadingPiece(rest, maximum, { hardCut: true });
    pieces.push(piece);
    rest = rest.slice(piece.length);
  }
  return pieces;
}
