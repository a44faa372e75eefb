import { describe, expect, it } from 'vitest';
import { gcKind } from '../src/trace.js';

describe('trace', () => {
  // V8's GCType values (v8.h: kGCTypeScavenge 1, kGCTypeMarkSweepCompact 4,
  // kGCTypeIncrementalMarking 8, kGCTypeProcessWeakCallbacks 16), written out so that a table
  // shifted by one bit, as it was until session 7, fails here.
  it('names garbage collections by the kind Node reports', () => {
    expect(gcKind(1)).toBe('minor');
    expect(gcKind(4)).toBe('major');
    expect(gcKind(8)).toBe('incremental');
    expect(gcKind(16)).toBe('weakcb');
    expect(gcKind(2)).toBe('2');
  });
});
