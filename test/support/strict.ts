// Inputs some tests need from outside the repository (promtool, the upstream CRD files). Without
// TITANIUM_STRICT=1 a test whose input is missing is skipped with one note saying what did not run and
// how to provide it; with TITANIUM_STRICT=1 (.ci/run and the gate workflow set it) a missing input
// fails the suite. Not CI=true: that is set on every GitHub runner and by many tools, and says
// nothing about whether the machine was given these inputs.
export const STRICT = process.env.TITANIUM_STRICT === '1';

/**
 * Registers the test that fails under TITANIUM_STRICT=1 when `input` is not `available`, and notes
 * the skip otherwise. Returns `available`, to choose between `test` and `test.skip`.
 */
export function externalInput(input: string, available: boolean, skipped: string, install: string): boolean {
  if (!available && !STRICT) {
    console.warn(`${skipped} did not run: ${input} is missing. To run them: ${install}  (TITANIUM_STRICT=1 makes this a failure)`);
  }
  test(`${input}: present when TITANIUM_STRICT=1`, () => {
    if (STRICT && !available) throw new Error(`TITANIUM_STRICT=1 and ${input} is missing: ${skipped} would be skipped. ${install}`);
  });
  return available;
}
