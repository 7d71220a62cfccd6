import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { OverlayLayer } from "../process/overlay-layers.ts";

/** Which directories of a working copy are setup cache layers, and which entry each reads. */
const recordSchema = z.object({
  layers: z.array(z.object({ name: z.string(), lower: z.string() })),
});

/**
 * `<root>.layers`: next to the working copy, never mounted in the sandbox (commands cannot
 * edit the record), removed with the session's workspaces. Each layer's changes live in
 * `<n>/upper`, overlayfs's scratch in `<n>/work`.
 */
export function layersDirectory(root: string): string {
  return `${root}.layers`;
}

function recordPath(root: string): string {
  return join(layersDirectory(root), "layers.json");
}

/** The place of layer `index`'s changes and scratch directory. */
export function layerPlaces(root: string, index: number): { upper: string; work: string } {
  const directory = join(layersDirectory(root), String(index));
  return { upper: join(directory, "upper"), work: join(directory, "work") };
}

export async function writeSetupLayers(
  root: string,
  layers: ReadonlyArray<{ name: string; lower: string }>,
): Promise<void> {
  const temporary = `${recordPath(root)}.${randomUUID()}`;
  await writeFile(temporary, `${JSON.stringify({ layers }, null, 2)}\n`);
  await rename(temporary, recordPath(root));
}

/** The layers restored into the working copy at `root`; none when setup was copied or never cached. */
export async function readSetupLayers(root: string): Promise<OverlayLayer[]> {
  let text: string;
  try {
    text = await readFile(recordPath(root), "utf8");
  } catch {
    return [];
  }
  let parsed: ReturnType<typeof recordSchema.safeParse>;
  try {
    parsed = recordSchema.safeParse(JSON.parse(text));
  } catch {
    return [];
  }
  if (!parsed.success) return [];
  return parsed.data.layers.map(({ name, lower }, index) => ({
    lower,
    target: join(root, name),
    ...layerPlaces(root, index),
  }));
}
