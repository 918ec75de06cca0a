/** Errors of the Docker I/O layer; each names what was run and says what to do. */

export class DockerUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      'No Docker engine answers on this machine (DOCKER_HOST or /var/run/docker.sock). ' +
        'Start one with `scripts/engine.sh` (installs docker.io and starts dockerd), then rerun.',
      { cause },
    );
    this.name = 'DockerUnavailableError';
  }
}

export class ImageBuildError extends Error {
  constructor(
    readonly image: string,
    readonly recipe: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(
      `Building image "${image}" from recipe ${recipe} failed (full log: ${logFile}); ` +
        `fix the recipe or the package mirror and run \`npm run images\` again. Last lines:\n${logTail}`,
    );
    this.name = 'ImageBuildError';
  }
}

/** A command run inside a DinD host (or a container in it) failed. */
export class DindExecError extends Error {
  constructor(
    readonly host: string,
    readonly command: string,
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-5).join('\n');
    super(`On DinD host "${host}", \`${command}\` exited with ${exitCode}: ${detail}`);
    this.name = 'DindExecError';
  }
}

export class DindStartError extends Error {
  constructor(
    readonly host: string,
    readonly attempts: Array<{ strategy: string; error: string }>,
  ) {
    super(
      `DinD host "${host}" did not start; tried ${attempts
        .map((a) => `${a.strategy} (${a.error.split('\n')[0]})`)
        .join(', then ')}. Check that the image exists (\`npm run images\`) and that dockerd runs.`,
    );
    this.name = 'DindStartError';
  }
}
