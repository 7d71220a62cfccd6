/** "1 agent", "2 agents", "0 files": a count with its noun, singular only for exactly one. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
