import { doctorUsage, readDoctorOptions } from "./application/doctor/doctor-options.ts";
import { readConfigOrReport } from "./application/entry-point.ts";

/**
 * `npm run doctor`: checks a deployment and prints a checklist with fixes. Exits non-zero
 * when anything is wrong, configuration included.
 */
async function main(): Promise<void> {
  const options = readDoctorOptions(process.argv.slice(2));
  if ("problem" in options) {
    process.stderr.write(`✗ ${options.problem}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(doctorUsage);
    return;
  }
  const config = readConfigOrReport(["provider", "slack"]);
  if (!config) {
    process.stderr.write(
      "\n✗ Configuration: fix the settings above (see .env.example), then run npm run doctor again.\n",
    );
    process.exitCode = 1;
    return;
  }
  const { runDoctor } = await import("./application/doctor/run-doctor.ts");
  const { formatChecklist } = await import("./application/doctor/doctor-check.ts");
  const checks = await runDoctor(config);
  const code = checks.some((check) => check.status === "problem") ? 1 : 0;
  // A probe that timed out may still hold a socket: exit once the checklist is written.
  process.stdout.write(formatChecklist(checks), () => process.exit(code));
}

await main();
