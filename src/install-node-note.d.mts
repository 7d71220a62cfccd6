/** The sentence for npm running on a Node older than Threadwork's, or undefined. `userAgent` is npm's. */
export function installNodeNote(userAgent: string | undefined): string | undefined;
