import { CommitPipeline } from './commit-pipeline';

/** A commit that finishes (or fails) when the test says so, logging when it starts and ends. */
function gate(log: string[], name: string) {
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const commit = () => {
    log.push(`start ${name}`);
    return new Promise<void>((resolve, reject) => {
      finish = () => {
        log.push(`end ${name}`);
        resolve();
      };
      fail = reject;
    });
  };
  return { commit, finish: () => finish(), fail: (error: Error) => fail(error) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CommitPipeline', () => {
  it('lets the reader go on while one commit runs, and starts the next only after it', async () => {
    const log: string[] = [];
    const pipeline = new CommitPipeline();
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    await pipeline.push(a.commit);
    expect(log).toEqual(['start a']);
    let secondPushed = false;
    const second = pipeline.push(b.commit).then(() => (secondPushed = true));
    await tick();
    // The reader waits for the commit in flight before handing over the next batch.
    expect(secondPushed).toBe(false);
    expect(log).toEqual(['start a']);
    a.finish();
    await second;
    expect(log).toEqual(['start a', 'end a', 'start b']);
    let drained = false;
    const drain = pipeline.drain().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    b.finish();
    await drain;
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('starts nothing after a failed commit, and says so to the reader and at the end', async () => {
    const log: string[] = [];
    const pipeline = new CommitPipeline();
    const a = gate(log, 'a');
    await pipeline.push(a.commit);
    a.fail(new Error('disk full'));
    await expect(pipeline.push(gate(log, 'b').commit)).rejects.toThrow('disk full');
    await expect(pipeline.drain()).rejects.toThrow('disk full');
    await expect(pipeline.settle()).resolves.toBeUndefined();
    expect(log).toEqual(['start a']);
  });
});
