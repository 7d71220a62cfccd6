/** The sentence for a Node that cannot run Threadwork, or undefined when this one can. */
export function unsupportedNodeMessage(version: string): string | undefined;
