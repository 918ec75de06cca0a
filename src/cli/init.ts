/**
 * `nettwin init`: a first feature, a step of the team's own, CI jobs and a tsconfig for
 * a repository that has just run `npm install -D nettwin`. Never overwrites: a file that
 * exists is left alone and named as skipped.
 */
import {
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PACKAGE_ROOT } from '../package-paths.ts';

/** Where `init --examples` puts nettwin's own features in a project. */
export const EXAMPLES_DIR = 'features/examples';

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

/** The files a feature reads (`"fixtures/…"` in its steps), relative to the directory it runs in. */
export function namedFixtures(featureText: string): string[] {
  return [...new Set([...featureText.matchAll(/"(fixtures\/[^"\s]+)"/g)].map((m) => m[1] as string))];
}

/**
 * Copy nettwin's own features (shipped in the package) into `dir`/features/examples/,
 * with the fixture files they read at the same paths under `dir`; files that exist are
 * skipped, never overwritten.
 */
export function copyExamples(dir: string, packageRoot = PACKAGE_ROOT): InitResult {
  const source = path.join(packageRoot, 'features');
  if (!existsSync(source)) {
    throw new Error(`this nettwin package has no features/ to copy (looked in ${source})`);
  }
  const features = readdirSync(source, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.feature'))
    .sort();
  const copies: [string, string][] = [];
  for (const feature of features) {
    copies.push([path.join(source, feature), path.join(EXAMPLES_DIR, feature)]);
    for (const fixture of namedFixtures(readFileSync(path.join(source, feature), 'utf8')))
      copies.push([path.join(packageRoot, fixture), fixture]);
  }
  const result: InitResult = { written: [], skipped: [] };
  const done = new Set<string>();
  for (const [from, name] of copies) {
    if (done.has(name)) continue;
    done.add(name);
    const target = path.join(dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      copyFileSync(from, target, constants.COPYFILE_EXCL);
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
  if (result.written.some((f) => f.startsWith(`${EXAMPLES_DIR}/`))) {
    lines.push(
      `Next: npx nettwin run ${EXAMPLES_DIR}   (nettwin's own features, on the model; npx nettwin steps lists the sentences)`,
    );
  } else {
    lines.push('Next: npx nettwin run   (features/ on the model; --backend twin on real Docker hosts)');
  }
  return lines.join('\n');
}

export function initCommand(program: Command): Command {
  return program
    .command('init')
    .description('write a first feature, a steps/ example, CI jobs and a tsconfig; never overwrites')
    .option('--dir <dir>', 'the repository to write into', '.')
    .option('--examples', `only copy nettwin's own features into ${EXAMPLES_DIR}/ (and the files they read)`)
    .action((opts: { dir: string; examples?: boolean }) => {
      const dir = path.resolve(opts.dir);
      const result = opts.examples ? copyExamples(dir) : initProject(dir);
      process.stdout.write(`${formatInitResult(result)}\n`);
    });
}
