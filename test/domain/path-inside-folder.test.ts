import path from "node:path";
import { describe, expect, it } from "vitest";
import { PathOutsideFolderError, pathInsideFolder } from "../../src/domain/path-inside-folder.ts";

const folder = "/srv/threadwork/setup-cache";

describe("pathInsideFolder", () => {
  it("joins names that stay strictly inside the folder", () => {
    expect(pathInsideFolder(folder, "web")).toBe(path.join(folder, "web"));
    expect(pathInsideFolder(folder, "web", "0123abcd")).toBe(path.join(folder, "web", "0123abcd"));
    expect(pathInsideFolder(folder, "web.git")).toBe(path.join(folder, "web.git"));
    expect(pathInsideFolder(folder, "a..b")).toBe(path.join(folder, "a..b"));
    expect(pathInsideFolder(`${folder}/`, "web")).toBe(path.join(folder, "web"));
  });

  it.each([
    ["the folder itself", ["."]],
    ["the folder itself, spelled empty", [""]],
    ["the parent", [".."]],
    ["the parent, behind a name", ["a/../.."]],
    ["the folder, behind a name", ["a/.."]],
    ["a sibling", ["../workspaces"]],
    ["the parent, over two parts", ["web", "../.."]],
    ["an absolute path", ["/etc"]],
    ["an absolute path in a later part", ["web", "/etc/passwd"]],
    ["a NUL byte", ["web\0"]],
  ])("refuses %s", (_, parts) => {
    expect(() => pathInsideFolder(folder, ...parts)).toThrow(PathOutsideFolderError);
  });

  it("names the folder and the part in its error", () => {
    try {
      pathInsideFolder(folder, "..");
      expect.fail("expected a PathOutsideFolderError");
    } catch (error) {
      expect(error).toBeInstanceOf(PathOutsideFolderError);
      expect((error as PathOutsideFolderError).code).toBe("path_outside_folder");
      expect((error as Error).message).toBe(`"..", joined to ${folder}, does not stay inside it`);
    }
  });
});
