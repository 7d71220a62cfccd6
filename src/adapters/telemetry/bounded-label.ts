/** Distinct values one label may take before new ones read `other`. */
const maximumValues = 64;

const labelText = /^[A-Za-z0-9_.:/-]{1,100}$/;

/**
 * Label values that come from outside our registries (a tool name a model made up, a model
 * name from configuration) are kept to a bounded set, so a scrape never grows without limit.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (!labelText.test(value) || this.seen.size >= maximumValues) return "other";
    this.seen.add(value);
    return value;
  }
}
