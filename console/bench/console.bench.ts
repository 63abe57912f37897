// What a person waits for in the console, each beside a baseline measured in the same run
// (bench/console.py prints them): the first load (bytes and time to interactive, against a
// bare JSON page of the same server), scrolling a 100,000-instance class (frames over
// 25 ms, against scrolling an empty box of the same height), and laying out a graph of
// about 1,000 nodes (against Cytoscape's grid layout of the same graph).
import { writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";

const DB = process.env["SPICE_BENCH_DB"] ?? "bench";
const OUT = process.env["SPICE_BENCH_OUT"] ?? "console-bench.json";
const results: Record<string, number> = {};

test.afterAll(() => writeFileSync(OUT, JSON.stringify(results, null, 1)));

async function transferred(page: Page): Promise<number> {
  return page.evaluate(() => {
    const entries = [
      ...performance.getEntriesByType("navigation"),
      ...performance.getEntriesByType("resource"),
    ] as PerformanceResourceTiming[];
    return entries.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0);
  });
}

test("first load", async ({ browser }) => {
  const times: number[] = [];
  const bases: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext(); // nothing cached
    const page = await context.newPage();
    let started = Date.now();
    await page.goto("/health");
    bases.push(Date.now() - started);
    started = Date.now();
    await page.goto("/ui/databases");
    await expect(page.getByRole("link", { name: DB })).toBeVisible();
    times.push(Date.now() - started);
    bytes = await transferred(page);
    await context.close();
  }
  times.sort((a, b) => a - b);
  bases.sort((a, b) => a - b);
  results["first_load_bytes"] = bytes;
  results["interactive_ms_median"] = times[2] ?? 0;
  results["health_page_ms_median"] = bases[2] ?? 0;
});

/** Frames during `seconds` of scrolling `selector` down by `step` px a frame. */
async function scrollFrames(page: Page, selector: string, seconds: number, step: number) {
  return page.evaluate(
    ([selector, seconds, step]) =>
      new Promise<{ frames: number; slow: number; worst: number }>((resolve) => {
        const box = document.querySelector(selector) as HTMLElement;
        let last = performance.now();
        const end = last + seconds * 1000;
        let frames = 0;
        let slow = 0;
        let worst = 0;
        const tick = (now: number) => {
          const gap = now - last;
          last = now;
          frames += 1;
          if (gap > 25) slow += 1;
          worst = Math.max(worst, gap);
          box.scrollTop += step;
          if (now < end) requestAnimationFrame(tick);
          else resolve({ frames, slow, worst });
        };
        requestAnimationFrame(tick);
      }),
    [selector, seconds, step] as const,
  );
}

test("scrolling a class of 100,000 instances", async ({ page }) => {
  await page.goto(`/ui/db/${DB}/instances/Item`);
  await expect(page.getByText("100000 instances")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("table", { name: "Instances Item" }).getByRole("row").nth(2)).toContainText("i");
  const table = await scrollFrames(page, ".table-scroll", 5, 400);
  const rendered = await page.locator(".table-scroll [role=row]").count();
  // The baseline: an empty box as tall as the table's content, scrolled the same way.
  await page.evaluate(() => {
    const box = document.createElement("div");
    box.id = "baseline";
    box.style.cssText = "height:520px;overflow:auto;position:fixed;top:0;left:0;width:400px";
    box.innerHTML = '<div style="height:3000000px"></div>';
    document.body.appendChild(box);
  });
  const baseline = await scrollFrames(page, "#baseline", 5, 400);
  results["scroll_frames"] = table.frames;
  results["scroll_slow_frames"] = table.slow;
  results["scroll_worst_frame_ms"] = Math.round(table.worst);
  results["scroll_rows_in_dom"] = rendered;
  results["baseline_scroll_frames"] = baseline.frames;
  results["baseline_scroll_slow_frames"] = baseline.slow;
});

test("laying out a graph of about 1,000 nodes", async ({ page }) => {
  await page.goto(`/ui/db/${DB}/graph`);
  await page.getByLabel("Start class").selectOption("Item");
  await page.getByRole("button", { name: "Add hop" }).click();
  await page.getByLabel("Start nodes (at most 1,000)").fill("1000");
  await page.getByRole("button", { name: "Run" }).click();
  const graph = page.getByRole("img", { name: "Graph explorer" });
  await expect(graph).toHaveAttribute("data-layout-ms", /\d/, { timeout: 120_000 });
  results["graph_nodes"] = Number(await graph.getAttribute("data-nodes"));
  // Each layout three times (the median), grid first: the baseline of drawing the same
  // elements with next to no layout work. Between two runs the view switches to another
  // layout, so that each run draws the graph anew.
  const measure = async (layout: string) => {
    await graph.evaluate((e) => {
      delete (e as HTMLElement).dataset["layoutMs"];
    });
    await page.getByLabel("Layout").selectOption(layout);
    await expect(graph).toHaveAttribute("data-layout-ms", /\d/, { timeout: 120_000 });
    return Number(await graph.getAttribute("data-layout-ms"));
  };
  for (const layout of ["grid", "breadthfirst", "fcose"]) {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      await measure("circle");
      runs.push(await measure(layout));
    }
    runs.sort((a, b) => a - b);
    results[`graph_layout_${layout}_ms`] = runs[1] ?? 0;
  }
});
