import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProcess } from "../../src/adapters/process/run-process.ts";
import { scaled } from "../helpers/time-scale.ts";

/** A package the registry serves: its files, packed with `npm pack` as a publish would. */
export interface FakePackage {
  name: string;
  version: string;
  files: Record<string, string>;
}

interface PackedVersion {
  name: string;
  version: string;
  tarball: Buffer;
  integrity: string;
  shasum: string;
}

export interface FakeNpmRegistry {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request path, in order. */
  requests: string[];
  /** The lock file entry npm writes for a served version. */
  lockEntry(name: string, version: string): { version: string; resolved: string; integrity: string };
  close(): Promise<void>;
}

/**
 * `npm pack`, as a publish would; or, for many packages (the benchmark), `tar` of the same
 * `package/` layout, which npm installs alike and costs a fraction of npm's start-up.
 */
async function pack(
  definition: FakePackage,
  directory: string,
  packer: "npm" | "tar",
): Promise<PackedVersion> {
  const base = join(directory, `${definition.name}-${definition.version}`);
  const source = join(base, "package");
  await mkdir(source, { recursive: true });
  const manifest = { name: definition.name, version: definition.version, main: "index.js", license: "MIT" };
  await writeFile(join(source, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, content] of Object.entries(definition.files))
    await writeFile(join(source, name), content);
  const file = join(directory, `${definition.name}-${definition.version}.tgz`);
  const command =
    packer === "tar"
      ? { command: "tar", args: ["-czf", file, "-C", base, "package"], cwd: directory }
      : { command: "npm", args: ["pack", "--silent", "--pack-destination", directory], cwd: source };
  const packed = await runProcess({
    ...command,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: directory,
      npm_config_cache: join(directory, ".npm"),
      npm_config_update_notifier: "false",
    },
    timeoutMs: scaled(60_000),
    mergeOutput: true,
  });
  if (packed.exitCode !== 0) throw new Error(`packing ${definition.name} failed: ${packed.stdout}`);
  const tarball = await readFile(file);
  return {
    name: definition.name,
    version: definition.version,
    tarball,
    integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}`,
    shasum: createHash("sha1").update(tarball).digest("hex"),
  };
}

/**
 * A minimal npm registry on 127.0.0.1, as the public one answers `npm install` and `npm ci`:
 * `GET /<name>` gives the packument, `GET /<name>/-/<name>-<version>.tgz` the tarball,
 * anything else 404 with npm's JSON error. It only reads: other methods get 405.
 */
export async function startFakeNpmRegistry(
  packages: FakePackage[],
  options: { packWith?: "npm" | "tar" } = {},
): Promise<FakeNpmRegistry> {
  const directory = await mkdtemp(join(tmpdir(), "threadwork-npm-registry-"));
  const packed: PackedVersion[] = [];
  for (const definition of packages)
    packed.push(await pack(definition, directory, options.packWith ?? "npm"));
  const requests: string[] = [];
  let url = "";
  const tarballPath = (version: PackedVersion) => `/${version.name}/-/${version.name}-${version.version}.tgz`;

  function packument(name: string) {
    const versions = packed.filter((version) => version.name === name);
    if (versions.length === 0) return undefined;
    return {
      _id: name,
      name,
      "dist-tags": { latest: versions.at(-1)?.version },
      versions: Object.fromEntries(
        versions.map((version) => [
          version.version,
          {
            name,
            version: version.version,
            main: "index.js",
            _id: `${name}@${version.version}`,
            dist: {
              tarball: `${url}${tarballPath(version)}`,
              integrity: version.integrity,
              shasum: version.shasum,
            },
          },
        ]),
      ),
    };
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://registry").pathname);
    requests.push(path);
    const send = (status: number, body: unknown, type = "application/json") => {
      response.writeHead(status, { "content-type": type });
      response.end(type === "application/json" ? JSON.stringify(body) : (body as Buffer));
    };
    if (request.method !== "GET" && request.method !== "HEAD")
      return send(405, { error: "Method not allowed" });
    const tarball = packed.find((version) => tarballPath(version) === path);
    if (tarball) return send(200, tarball.tarball, "application/octet-stream");
    const document = packument(path.slice(1));
    if (document) return send(200, document);
    return send(404, { error: "Not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    lockEntry(name, version) {
      const found = packed.find((candidate) => candidate.name === name && candidate.version === version);
      if (!found) throw new Error(`the registry does not serve ${name}@${version}`);
      return { version, resolved: `${url}${tarballPath(found)}`, integrity: found.integrity };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
