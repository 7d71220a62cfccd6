import { runDoctor } from "./application/doctor/run-doctor.ts";
import { describeFailure } from "./application/entry-point.ts";
import { runSetup } from "./application/setup/run-setup.ts";
import { SetupError } from "./application/setup/setup-error.ts";
import { readSetupOptions, setupUsage } from "./application/setup/setup-options.ts";

/** `npm run setup`: creates the Slack app from manifest.json and writes its tokens to .env. */
async function main(): Promise<number> {
  let options: ReturnType<typeof readSetupOptions>;
  try {
    options = readSetupOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    process.stderr.write(`✗ ${error.message}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(setupUsage);
    return 0;
  }
  return runSetup({
    options,
    environment: process.env,
    directory: process.cwd(),
    input: process.stdin,
    output: process.stdout,
    doctor: (config) => runDoctor(config),
  });
}

let code: number;
try {
  code = await main();
} catch (error) {
  // Not a refusal set-up explains (a .env it cannot write, say): what happened, secrets redacted.
  process.stderr.write(`✗ npm run setup failed: ${describeFailure(error)}\n`);
  code = 1;
}
// A doctor probe that timed out may still hold a socket: exit once everything is written.
process.stdout.write("", () => process.exit(code));
