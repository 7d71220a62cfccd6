import { execFileSync } from "node:child_process";
import { chmod, mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaled } from "../helpers/time-scale.ts";
import {
  createServiceLayout,
  runInService,
  type ServiceLayout,
  sandboxUsable,
} from "./support/command-service.ts";

// While a command runs, the quota watcher walks the workspace in the service, outside the
// sandbox. It used to `lstat` a directory, then `chmod` (to open one the command had made
// unreadable) and `readdir` it by path: a command exchanging that directory with a symlink
// to a host path, again and again (`renameat2(RENAME_EXCHANGE)`), soon had the service set the
// directory's mode bits on the host file and walk the host directory.
const raceSeconds = 12;
const pairsPerTarget = 40;

const race = `
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
seconds, targets = float(sys.argv[1]), sys.argv[2:]
os.makedirs("swap", exist_ok=True)
pairs = []
for index in range(${pairsPerTarget} * len(targets)):
    directory, link = f"swap/d{index}".encode(), f"swap/l{index}".encode()
    os.mkdir(directory)
    os.chmod(directory, 0o7077)
    os.symlink(targets[index % len(targets)], link)
    pairs.append((directory, link))
deadline = time.time() + seconds
exchanges = 0
while time.time() < deadline:
    for directory, link in pairs:
        libc.renameat2(-100, directory, -100, link, 2)
        exchanges += 1
print(f"RACE-DONE {exchanges}")
`;

const nobody = 65534;

interface Variant {
  name: string;
  sandbox: "required" | "off";
  /** Run the service as this uid: it then cannot open a directory the command made unreadable. */
  uid?: number;
}

const variants: Variant[] = [
  { name: "sandboxed, the service as this user", sandbox: "required" },
  { name: "sandboxed, the service as an unprivileged user", sandbox: "required", uid: nobody },
  { name: "without the sandbox (THREADWORK_SANDBOX=off)", sandbox: "off" },
];

describe.each(variants)("the quota walk never follows a swapped symlink ($name)", (variant) => {
  let layout: ServiceLayout;
  let hostFile: string;
  let hostDirectory: string;
  let hostInner: string;
  const uid = variant.uid === undefined || process.getuid?.() !== 0 ? undefined : variant.uid;

  beforeAll(async () => {
    layout = await createServiceLayout("swap");
    // Host paths the sandbox cannot see: beside the data directory, as /app is in the image.
    hostFile = join(layout.base, "host-file");
    hostDirectory = join(layout.base, "host-directory");
    hostInner = join(hostDirectory, "inner");
    await writeFile(hostFile, "host secret\n");
    await chmod(hostFile, 0o600);
    await mkdir(hostInner, { recursive: true });
    await chmod(hostInner, 0o050);
    await chmod(hostDirectory, 0o755);
    await writeFile(join(layout.workspaceRoot, "race.py"), race);
    if (uid !== undefined) execFileSync("chown", ["-R", `${uid}:${uid}`, layout.base]);
  });
  afterAll(() => layout?.remove());

  it("leaves host modes alone and never opens a host directory", { timeout: scaled(180_000) }, async () => {
    if (variant.sandbox === "required" && !sandboxUsable) return;
    const { results } = await runInService(
      layout,
      [
        {
          tool: "run_command",
          input: { command: `python3 race.py ${raceSeconds} ${hostFile} ${hostDirectory}`, timeout_s: 120 },
        },
      ],
      { sandbox: variant.sandbox, quotaMb: 1024, ...(uid === undefined ? {} : { uid }) },
    );
    const output = results[0]?.result ?? results[0]?.error ?? "";
    expect((await stat(hostFile)).mode & 0o7777).toBe(0o600);
    expect((await stat(hostDirectory)).mode & 0o7777).toBe(0o755);
    // Walked through the symlink, the old walk also opened this one up.
    expect((await stat(hostInner)).mode & 0o7777).toBe(0o050);
    if (uid === undefined) {
      // The service can read the command's unreadable directories: the race ran to its end.
      expect(output).toMatch(/RACE-DONE [1-9]/);
    } else {
      // An unprivileged service cannot: it stops the command rather than let it hide usage.
      expect(output).toMatch(/cannot read/);
      expect(output).not.toMatch(/RACE-DONE/);
    }
  });
});
