/** A latch a fake model response waits on, so a test decides when a worker may go on. */
export interface Gate {
  open(): void;
  wait(): Promise<void>;
  readonly isOpen: boolean;
}

export function createGate(): Gate {
  const latch = Promise.withResolvers<void>();
  let isOpen = false;
  return {
    open() {
      isOpen = true;
      latch.resolve();
    },
    wait: () => latch.promise,
    get isOpen() {
      return isOpen;
    },
  };
}
