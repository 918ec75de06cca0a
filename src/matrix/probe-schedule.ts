/**
 * Bounded parallelism for a matrix step's probes on a real host: at most `limit` run at
 * once (a DinD host answers commands through up to four sessions, src/dind/host-agent.ts),
 * results come back in the order the tasks were given, and tasks that share an
 * `exclusive` key never overlap (UDP probes: the receiver is known only by counting
 * lines in listener logs, which two datagrams in flight would confuse).
 */

export interface ScheduledTask<T> {
  run: () => Promise<T>;
  /** Tasks with the same key run one after another. */
  exclusive?: string;
}

export interface ScheduleOptions {
  /** How many tasks run at once (≥ 1). */
  limit: number;
}

/** Every task's result in the given order; the first rejection rejects the whole (after running tasks settle). */
export async function runBounded<T>(
  tasks: readonly ScheduledTask<T>[],
  options: ScheduleOptions,
): Promise<T[]> {
  if (!Number.isInteger(options.limit) || options.limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${options.limit}`);
  const results: T[] = new Array(tasks.length);
  const waiting = tasks.map((_, i) => i);
  const busyKeys = new Set<string>();
  let failure: { error: unknown } | undefined;
  let running = 0;

  return new Promise<T[]>((resolve, reject) => {
    const finish = () => {
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (waiting.length === 0) resolve(results);
    };
    const startNext = () => {
      while (!failure && running < options.limit) {
        // The first waiting task whose key is free: order is kept where keys allow.
        const at = waiting.findIndex((i) => {
          const key = tasks[i]?.exclusive;
          return key === undefined || !busyKeys.has(key);
        });
        if (at < 0) break;
        const [index] = waiting.splice(at, 1) as [number];
        const task = tasks[index] as ScheduledTask<T>;
        if (task.exclusive !== undefined) busyKeys.add(task.exclusive);
        running++;
        let started: Promise<T>;
        try {
          started = task.run();
        } catch (error) {
          started = Promise.reject(error);
        }
        started
          .then(
            (value) => {
              results[index] = value;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            running--;
            if (task.exclusive !== undefined) busyKeys.delete(task.exclusive);
            startNext();
            finish();
          });
      }
      finish();
    };
    startNext();
  });
}
