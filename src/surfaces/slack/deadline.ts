/** `work`, or "deadline" when `deadline` (epoch ms) passes first; no deadline waits for the work. */
export function until<T>(work: Promise<T>, deadline: number | undefined): Promise<T | "deadline"> {
  if (deadline === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
