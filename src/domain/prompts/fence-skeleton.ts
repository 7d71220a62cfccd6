/**
 * A reader's view of text: what a model would read, with the look-alikes folded away.
 * Each code point is decomposed (NFKD: fullwidth and styled letters become plain ones,
 * accents come apart), accents and invisible characters (zero-width, soft hyphen, bidi
 * controls) are dropped, letters are lower-cased and common look-alikes (Cyrillic `а`,
 * small `﹤`, `‹`) mapped to the ASCII character they imitate. `start(i)`/`end(i)` give the
 * original span of skeleton character `i`, so a match can be cut out of the original.
 */
interface Skeleton {
  text: string;
  start(index: number): number;
  end(index: number): number;
}

const lookalikes: Record<string, string> = {
  // Brackets.
  "\u2039": "<",
  "\u203a": ">",
  "\u2329": "<",
  "\u232a": ">",
  "\u3008": "<",
  "\u3009": ">",
  "\u27e8": "<",
  "\u27e9": ">",
  "\u1438": "<",
  "\u1433": ">",
  "\u02c2": "<",
  "\u02c3": ">",
  "\u276e": "<",
  "\u276f": ">",
  // Cyrillic and Greek letters that look Latin.
  "\u0430": "a",
  "\u0435": "e",
  "\u0455": "s",
  "\u0441": "c",
  "\u0442": "t",
  "\u0443": "y",
  "\u0501": "d",
  "\u0433": "r",
  "\u043f": "n",
  "\u0438": "u",
  "\u03b1": "a",
  "\u03b5": "e",
  "\u03c4": "t",
  "\u03c5": "u",
  "\u03bd": "v",
  "\u057d": "u",
  "\u0578": "n",
  // Small capitals.
  "\u1d00": "a",
  "\u1d05": "d",
  "\u1d07": "e",
  "\u0280": "r",
  "\ua731": "s",
  "\u1d1b": "t",
  "\u1d1c": "u",
  "\u0274": "n",
};

/** Characters a reader does not see: format characters, accents, non-space controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters dropped.
const invisible = /^[\p{Cf}\p{Mn}\p{Me}\u0000-\u0008\u000e-\u001f\u007f-\u009f]$/u;

function fold(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code < 0x80) {
    if (invisible.test(character)) return "";
    return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : character;
  }
  let folded = "";
  for (const part of character.normalize("NFKD").toLowerCase()) {
    if (invisible.test(part)) continue;
    folded += lookalikes[part] ?? part;
  }
  return folded;
}

/** Printable ASCII and ordinary whitespace only: the skeleton is the lower-cased text itself. */
const notPlain = /[^\t\n\v\f\r\x20-\x7e]/;

export function skeletonOf(text: string): Skeleton {
  if (!notPlain.test(text)) {
    return { text: text.toLowerCase(), start: (index) => index, end: (index) => index + 1 };
  }
  let skeleton = "";
  const starts: number[] = [];
  const ends: number[] = [];
  let index = 0;
  for (const character of text) {
    const folded = fold(character);
    for (let position = 0; position < folded.length; position += 1) {
      starts.push(index);
      ends.push(index + character.length);
    }
    skeleton += folded;
    index += character.length;
  }
  return {
    text: skeleton,
    start: (position) => starts[position] ?? text.length,
    end: (position) => ends[position] ?? text.length,
  };
}
