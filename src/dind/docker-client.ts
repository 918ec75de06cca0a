/** The one dockerode client of the outer engine, checked once for an answer. */
import Docker from 'dockerode';
import { DockerUnavailableError } from './errors.ts';

// Ryuk (testcontainers' reaper) is an image no registry here can serve; cleanup.ts
// removes our resources by label instead.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

let client: Docker | undefined;
let checked: Promise<Docker> | undefined;

export function dockerClient(): Docker {
  client ??= new Docker();
  return client;
}

/** The client, after the engine answered a ping; throws DockerUnavailableError. */
export function requireDocker(): Promise<Docker> {
  checked ??= (async () => {
    const docker = dockerClient();
    try {
      await docker.ping();
    } catch (error) {
      checked = undefined;
      throw new DockerUnavailableError(error);
    }
    return docker;
  })();
  return checked;
}
