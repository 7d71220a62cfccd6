import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** The lines of one top-level service in docker-compose.yml (two-space indent), comments dropped. */
function service(compose: string, name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  expect(start, `docker-compose.yml has a ${name} service`).toBeGreaterThan(-1);
  const rest = compose.slice(start + 1).split("\n");
  const end = rest.findIndex((line, index) => index > 0 && /^ {0,2}\S/.test(line));
  return rest
    .slice(0, end === -1 ? undefined : end)
    .filter((line) => !line.trim().startsWith("#"))
    .join("\n");
}

describe("a deployment carries its configuration", () => {
  it("builds the configuration file into the image when the build context has one, never failing when it has none", () => {
    const dockerfile = read("Dockerfile");
    // A glob that may match nothing, next to a file that always exists: COPY then succeeds either way.
    expect(dockerfile).toMatch(/^COPY manifest\.json threadwork\.config\.jso\[n\] \.\/$/m);
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim());
    expect(ignored.some((pattern) => pattern === "threadwork.config.json" || pattern === "*.json")).toBe(
      false,
    );
  });

  it("runs Threadwork with Postgres in docker-compose.yml, once Postgres is healthy, secrets from .env only", () => {
    const compose = read("docker-compose.yml");
    const postgres = service(compose, "postgres");
    const threadwork = service(compose, "threadwork");
    expect(postgres).toMatch(/image: postgres:\d+/);
    expect(postgres).toMatch(/healthcheck:\n\s+test: \["CMD", "pg_isready"/);
    expect(threadwork).toMatch(/build: \./);
    expect(threadwork).toMatch(/env_file: \.env/);
    expect(threadwork).toMatch(/DATABASE_URL: postgres:\/\/threadwork:threadwork@postgres:5432\/threadwork/);
    expect(threadwork).toMatch(/depends_on:\n\s+postgres:\n\s+condition: service_healthy/);
    expect(threadwork).toMatch(/- data:\/data/);
    expect(compose).not.toMatch(
      /xox[bpa]-|sk-ant-|sk-proj-|ANTHROPIC_API_KEY:|OPENAI_API_KEY:|SLACK_BOT_TOKEN:/,
    );
    // Stopping ends within the shutdown budget, inside the grace Docker gives before SIGKILL.
    const grace = Number(/stop_grace_period: (\d+)s/.exec(threadwork)?.[1]);
    const budget = Number(/^THREADWORK_SHUTDOWN_SECONDS=(\d+)$/m.exec(read(".env.example"))?.[1]);
    expect(budget + 3).toBeLessThanOrEqual(grace);
  });

  it("is used by the deploy guide, which says how the configuration file gets there", () => {
    const guide = read("docs/slack.md");
    expect(guide).toContain("## Deploy with Docker Compose");
    expect(guide).toContain("docker compose up -d --build");
    const section = guide.slice(guide.indexOf("### The configuration file in a deployment"));
    expect(section).toMatch(/\*\*In the image:\*\*/);
    expect(section).toMatch(/\*\*On a volume:\*\*/);
    expect(section).toMatch(/\*\*As a secret/);
    expect(section).toContain("refuses to start");
    expect(read("README.md")).toContain("docs/slack.md#deploy-with-docker-compose");
  });
});
