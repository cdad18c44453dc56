// The idle collector: collects only after a quiet moment and only once memory grew enough.
import { expect, test } from "bun:test";
import { createIdleCollector } from "../src/idle-collect.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fixture(growthBytes = 100) {
  let rss = 1000;
  let collections = 0;
  const collector = createIdleCollector({
    idleMs: 20,
    growthBytes,
    rss: () => rss,
    collect: () => {
      collections++;
      rss -= 50;
    },
  });
  return { collector, grow: (bytes: number) => (rss += bytes), collections: () => collections };
}

test("after a turn settles it collects once memory grew past the threshold, then measures from there", async () => {
  const f = fixture();
  f.grow(150);
  f.collector.settled();
  await sleep(60);
  expect(f.collections()).toBe(1);
  // The baseline is now the post-collection size: 60 more bytes is under the threshold.
  f.grow(60);
  f.collector.settled();
  await sleep(60);
  expect(f.collections()).toBe(1);
  f.grow(60);
  f.collector.settled();
  await sleep(60);
  expect(f.collections()).toBe(2);
});

test("small growth is left alone", async () => {
  const f = fixture();
  f.grow(99);
  f.collector.settled();
  await sleep(60);
  expect(f.collections()).toBe(0);
});

test("new work cancels a pending collection and keys postpone it", async () => {
  const f = fixture();
  f.grow(500);
  f.collector.settled();
  f.collector.busy();
  await sleep(60);
  expect(f.collections()).toBe(0);
  f.collector.settled();
  for (let i = 0; i < 5; i++) {
    await sleep(10);
    f.collector.nudge();
  }
  expect(f.collections()).toBe(0);
  await sleep(60);
  expect(f.collections()).toBe(1);
  // A key with nothing pending arms nothing.
  f.grow(500);
  f.collector.nudge();
  await sleep(60);
  expect(f.collections()).toBe(1);
});
