import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalWords } from './refusal.ts';

const cli = (stderr: string) => Object.assign(new Error('exited with 125'), { stderr });

test('the CLI decoration and ids go; the daemon sentence stays (20.10 and 28.5 CLIs)', () => {
  const id = 'cba565e8a0f62ec3c9f8b8d21f998cd93755e06b76dc449a890f869015c63c3a';
  const v20 = cli(
    `docker: Error response from daemon: Conflict. The container name "/ab" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.\nSee 'docker run --help'.\n`,
  );
  const model = new Error(
    'Error response from daemon: Conflict. The container name "/ab" is already in use by container "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef". You have to remove (or rename) that container to be able to reuse that name.',
  );
  assert.equal(refusalWords(v20), refusalWords(model));
  const v28 = cli(
    "docker: Error response from daemon: Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed\n\nRun 'docker run --help' for more information\n",
  );
  assert.equal(
    refusalWords(v28),
    'Error response from daemon: Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
  );
});

test('28.5\'s `docker network rm` adds "exit status 1" under the daemon\'s words: it goes', () => {
  const real = cli(
    'Error response from daemon: error while removing network: network back has active endpoints (name:"db" id:"0123456789ab")\nexit status 1\n',
  );
  assert.equal(
    refusalWords(real),
    'Error response from daemon: error while removing network: network back has active endpoints (name:"db" id:"<id>")',
  );
});
