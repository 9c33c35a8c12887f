// The hooks a bed test file needs, called inside its describe: before, the build's agents go into
// the system's paths and the bed is built with the given engine; after, the bed is taken down (down()
// must undo everything), the system's agents are put back and, with checkGone, no namespace or
// directory of the bed may be left.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { installIntoSystem } from '../install.ts';
import { ip } from '../netns.ts';
import { buildBed, type Bed } from './bed.ts';
import type { Engine } from './engine.ts';

export interface BedSuiteOptions {
  /** After down(), assert that the bed's namespaces and directory are gone. */
  checkGone?: boolean;
  /** Call down() a second time and assert that it is harmless. */
  downTwice?: boolean;
}

/** Registers the hooks; the returned function gives the bed once `before` has built it. */
export const useBed = (engine: () => Engine, o: BedSuiteOptions = {}): (() => Bed) => {
  let bed: Bed | undefined;
  let install: ReturnType<typeof installIntoSystem> | undefined;
  let namespaces: string[] = [];
  before(async () => {
    install = installIntoSystem();
    bed = await buildBed({ engine: engine(), progress: (l) => console.log(`# bed: ${l}`) });
    namespaces = [bed.topology.switchNs, ...Object.values(bed.topology.ns)];
  });
  after(async () => {
    try {
      const failed = await bed?.down();
      assert.deepEqual(failed ?? [], [], 'down() undid everything');
      if (o.downTwice) assert.deepEqual(await bed?.down(), [], 'down() twice is harmless');
    } finally {
      install?.restore();
    }
    if (!o.checkGone) return;
    const left = ip('netns', 'list').split('\n').map((l) => l.split(' ')[0]).filter((ns) => ns && namespaces.includes(ns));
    assert.deepEqual(left, [], 'every namespace of the bed is gone');
    assert.equal(existsSync(bed?.base ?? '/nonexistent'), false, 'the bed directory is gone');
  });
  return () => {
    assert.ok(bed, 'the bed was built');
    return bed;
  };
};
