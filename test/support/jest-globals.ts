/**
 * Specs are written with the familiar describe/it/expect globals but run on Node's own test runner:
 * the @nestjs 12 packages, imapflow, nodemailer and mailparser ship as ES modules, which Node 20 can
 * require() natively while Jest's module loader cannot. Preloaded with `--require` by scripts/run-tests.js.
 */
import { expect } from 'expect';
import { ModuleMocker } from 'jest-mock';
import * as nodeTest from 'node:test';

type Body = () => unknown;
type Table = readonly unknown[];

function withTimeout<T extends (name: string, options: { timeout?: number }, fn: Body) => unknown>(run: T) {
  return (name: string, fn: Body, timeout?: number) => run(name, timeout === undefined ? {} : { timeout }, fn);
}

function each(run: (name: string, fn: Body, timeout?: number) => unknown) {
  return (table: Table) => (name: string, fn: (...args: unknown[]) => unknown, timeout?: number) => {
    table.forEach((row, index) => {
      const args = Array.isArray(row) ? [...row] : [row];
      const title = name
        .replace(/%[sdpj#]/g, (token) =>
          token === '%#' ? String(index) : token === '%j' ? JSON.stringify(args.shift()) : String(args.shift() ?? ''),
        )
        .replace('$name', String((row as { name?: unknown })?.name));
      run(title, () => fn(...(Array.isArray(row) ? row : [row])), timeout);
    });
  };
}

const it = Object.assign(withTimeout(nodeTest.it as never), {
  skip: withTimeout(nodeTest.it.skip as never),
  only: withTimeout(nodeTest.it.only as never),
  todo: (name: string) => nodeTest.it.todo(name),
});
const itWithEach = Object.assign(it, { each: each(it) });
const describe = Object.assign((name: string, fn: Body) => nodeTest.describe(name, fn as never), {
  skip: (name: string, fn: Body) => nodeTest.describe.skip(name, fn as never),
  only: (name: string, fn: Body) => nodeTest.describe.only(name, fn as never),
});
const describeWithEach = Object.assign(describe, { each: each((name, fn) => describe(name, fn)) });
const hook = (run: (fn: Body, options?: { timeout?: number }) => void) => (fn: Body, timeout?: number) =>
  run(fn, timeout === undefined ? undefined : { timeout });

const mocker = new ModuleMocker(globalThis);
const globals = globalThis as Record<string, unknown>;
globals.describe = describeWithEach;
globals.it = itWithEach;
globals.test = itWithEach;
globals.beforeAll = hook(nodeTest.before as never);
globals.afterAll = hook(nodeTest.after as never);
globals.beforeEach = hook(nodeTest.beforeEach as never);
globals.afterEach = hook(nodeTest.afterEach as never);
globals.expect = expect;
globals.jest = {
  fn: mocker.fn.bind(mocker),
  spyOn: mocker.spyOn.bind(mocker),
  restoreAllMocks: () => mocker.restoreAllMocks(),
};
