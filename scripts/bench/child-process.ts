/**
 * A measuring script's helper process: one input message in, one result message out,
 * then exit. The load generators run this way (scripts/load/generator.ts,
 * scripts/bench/http-load.ts) so the requests they make and the app that answers them
 * do not share one event loop, as a real client's would not.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Forks `module` (a .ts file, run through tsx), sends it `input`, resolves with its one answer. */
export function runInChild<I, O>(module: URL, input: I): Promise<O> {
  const child = fork(fileURLToPath(module), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as O));
    child.once('exit', (code) => reject(new Error(`${path(module)} exited with ${code} before reporting`)));
    child.send(input as object);
  });
}

/** In the forked module: answers the parent's one input with `work(input)`, then exits. No-op when not forked. */
export function answerParent<I, O>(work: (input: I) => Promise<O>): void {
  if (!process.send) return;
  process.once('message', (input: I) => {
    work(input).then(
      (output) => process.send!(output as object, () => process.exit(0)),
      (err) => {
        process.stderr.write(`${path(new URL(`file://${process.argv[1]}`))}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
      },
    );
  });
}

const path = (module: URL) => module.pathname.split('/').slice(-2).join('/');
