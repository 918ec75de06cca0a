/**
 * `nettwin init`: a first feature, a step of the team's own, CI jobs and a tsconfig for
 * a repository that has just run `npm install -D nettwin`. Never overwrites: a file that
 * exists is left alone and named as skipped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';

export const INIT_FILES: Readonly<Record<string, string>> = {
  'features/network-contract.feature': `Feature: Our network contract
  Containers on one user-defined bridge network reach each other; a container on the
  default bridge does not reach them. Run it with \`npx nettwin run\` (the model: no
  Docker needed) or \`npx nettwin run --backend twin\` (real Docker-in-Docker hosts,
  every observation compared with the model).

  Background:
    Given a Docker host
    And a bridge network "n1"
    And container "web" on network "n1"
    And container "client" on network "n1"
    And container "outsider"

  Scenario: Containers on the same network reach each other
    When "client" pings "web" 2 times
    Then the ping succeeds

  Scenario: A container on the default bridge cannot reach n1
    When "outsider" pings "web" 3 times
    Then the ping fails
    And network "n1" is isolated from the other bridges
`,
  'steps/network-contract.ts': `// Your own steps, beside nettwin's vocabulary: \`this\` is the scenario's NettwinWorld
// (its backend, networks, containers and last observation), on every backend.
import { serializeRuleset, Then } from 'nettwin';

Then('network {string} is isolated from the other bridges', async function (name: string) {
  const { bridge } = this.knownNetwork(name); // br-<id>: Docker named it
  const rules = serializeRuleset(await this.ruleset());
  const drop = \`-A DOCKER-ISOLATION-STAGE-2 -o \${bridge} -j DROP\`;
  if (!rules.includes(drop)) this.fail(\`no "\${drop}" in the host's ruleset:\\n\${rules}\`);
});
`,
  'tsconfig.json': `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true
  },
  "include": ["steps", "features"]
}
`,
  '.github/workflows/nettwin.yml': `# nettwin on real Docker-in-Docker hosts: GitHub's hosted runners have Docker and sudo.
# Images are built from Debian packages on first use (debootstrap, as root).
name: nettwin
on: [push, pull_request]
jobs:
  network-contract:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: sudo apt-get update && sudo apt-get install -y debootstrap
      - name: Features on the model (no Docker)
        run: npx nettwin run --backend model
      - name: Features on real Docker hosts, compared with the model
        run: sudo -E env "PATH=$PATH" npx nettwin run --backend twin
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: nettwin-reports
          path: reports/
`,
  '.gitlab/nettwin.gitlab-ci.yml': `# nettwin on real Docker-in-Docker hosts. Needs a runner with privileged = true (the
# docker:dind service runs the DinD hosts). Include it from .gitlab-ci.yml:
#   include:
#     - local: .gitlab/nettwin.gitlab-ci.yml
nettwin:
  image: node:20-bookworm
  services:
    - name: docker:27-dind
      alias: docker
  variables:
    DOCKER_HOST: tcp://docker:2375
    DOCKER_TLS_CERTDIR: ''
  before_script:
    - apt-get update && apt-get install -y --no-install-recommends debootstrap docker.io
    - npm ci
  script:
    - npx nettwin run --backend model
    - npx nettwin run --backend twin
  artifacts:
    when: always
    paths:
      - reports/
    reports:
      junit: reports/junit.xml
`,
};

export interface InitResult {
  written: string[];
  skipped: string[];
}

/** Write the starter files into `dir`; files that exist are skipped, never overwritten. */
export function initProject(dir: string, files: Readonly<Record<string, string>> = INIT_FILES): InitResult {
  const result: InitResult = { written: [], skipped: [] };
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      writeFileSync(target, text, { flag: 'wx' });
      result.written.push(name);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      result.skipped.push(name);
    }
  }
  return result;
}

export function formatInitResult(result: InitResult): string {
  const lines = [
    ...result.written.map((f) => `wrote   ${f}`),
    ...result.skipped.map((f) => `skipped ${f} (exists; not overwritten)`),
  ];
  if (result.written.includes('.gitlab/nettwin.gitlab-ci.yml')) {
    lines.push(
      'GitLab: include .gitlab/nettwin.gitlab-ci.yml from your .gitlab-ci.yml (see its first lines).',
    );
  }
  lines.push('Next: npx nettwin run   (features/ on the model; --backend twin on real Docker hosts)');
  return lines.join('\n');
}

export function initCommand(program: Command): Command {
  return program
    .command('init')
    .description('write a first feature, a steps/ example, CI jobs and a tsconfig; never overwrites')
    .option('--dir <dir>', 'the repository to write into', '.')
    .action((opts: { dir: string }) => {
      process.stdout.write(`${formatInitResult(initProject(path.resolve(opts.dir)))}\n`);
    });
}
