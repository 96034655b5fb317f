// The vitest sequencer that runs *lifecycle* test files last, since they restart the test stack.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Keeps vitest's default order but runs files named `*lifecycle*` last: they restart the test stack. */
export class LastFileSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLast = (f: TestSpecification) => f.moduleId.includes('lifecycle');
    return [...sorted.filter((f) => !isLast(f)), ...sorted.filter(isLast)];
  }
}
