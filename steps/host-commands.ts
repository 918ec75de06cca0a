/** Commands run on the Docker host itself: iptables, sysctl. */
import { Then, When } from '@cucumber/cucumber';
import type { ExecResult } from '../src/backends/backend.ts';
import { KernelNameError, sysctlSetting } from '../src/netfilter/kernel-names.ts';
import type { NettwinWorld } from './world.ts';

/** Lines of a doc string that are commands (blank lines and # comments skipped). */
function commandLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

async function runOnHost(
  world: NettwinWorld,
  lines: string[],
  expectSuccess: boolean,
): Promise<ExecResult[]> {
  const backend = await world.activeBackend();
  const results: ExecResult[] = [];
  for (const written of lines) {
    // `<bridge of "n">` / `<subnet of "n">` name what Docker called a network's bridge and subnet.
    const line = world.withNetworks(written);
    const result = await backend.hostCommand(line);
    results.push(result);
    if (expectSuccess && result.exitCode !== 0) {
      world.fail(`host command failed (exit ${result.exitCode}): ${line}\n${result.stderr.trim()}`);
    }
  }
  return results;
}

When(/^I run on the host: (.+)$/, async function (this: NettwinWorld, line: string) {
  await runOnHost(this, [line], true);
});

When('I run on the host:', async function (this: NettwinWorld, script: string) {
  await runOnHost(this, commandLines(script), true);
});

When(/^I try to run on the host: (.+)$/, async function (this: NettwinWorld, line: string) {
  const [result] = await runOnHost(this, [line], false);
  this.refusal =
    result && result.exitCode !== 0
      ? { action: line, error: new Error(`${result.stderr}${result.stdout}`.trim()) }
      : undefined;
});

Then('the host command fails with {string}', function (this: NettwinWorld, message: string) {
  const failure = this.refusal ?? this.fail('the last host command succeeded; expected it to fail');
  if (!failure.error.message.includes(message)) {
    this.fail(`"${failure.action}" failed with "${failure.error.message}", which does not say "${message}"`);
  }
});

// Key and value are checked against the kernel's forms and go to sysctl as one argv
// word: `I set net.x to 1;reboot` is refused, not run.
When(/^I set (\S+) to (\S+)$/, async function (this: NettwinWorld, key: string, value: string) {
  let setting: string;
  try {
    setting = sysctlSetting(key, value);
  } catch (error) {
    if (error instanceof KernelNameError) this.fail(error.message, error);
    throw error;
  }
  const backend = await this.activeBackend();
  const result = await backend.hostCommand(['sysctl', '-w', setting]);
  if (result.exitCode !== 0) {
    this.fail(`sysctl -w ${setting} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
});

// `systemctl restart docker`: the daemon stops its containers (no live-restore) and
// rebuilds its chains and networks when it starts; `I start container …` brings one back.
When('the Docker daemon restarts', async function (this: NettwinWorld) {
  await (await this.host()).restartDaemon();
});
