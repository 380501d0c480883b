import { launchChromium } from "../support/chromium";
import { stubScript } from "../support/rooflinePage";
import { applyTheme, ensureProfilerBundle, historyFixture, historyMessage, startProfilerServer } from "./historyTableRender";
(async () => {
  ensureProfilerBundle();
  const { server, origin } = await startProfilerServer();
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  await page.addInitScript({ content: stubScript(undefined) });
  await page.goto(`${origin}/profiler.html`);
  await applyTheme(page, "dark");
  const msgs = [historyMessage(historyFixture(10000, 1)), historyMessage(historyFixture(10000, 2))];
  await page.evaluate((m) => { (window as any).__m = m; }, msgs);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  for (let i = 0; i < 6; i++) {
    const t = await page.evaluate((i) => new Promise<number>((res) => {
      const host = document.getElementById("grid-host")!; const before = Number(host.dataset.renders ?? "0");
      const t0 = performance.now();
      const obs = new MutationObserver(() => { if (Number(host.dataset.renders) > before) { obs.disconnect(); requestAnimationFrame(() => setTimeout(() => res(performance.now() - t0))); } });
      obs.observe(host, { attributes: true });
      window.postMessage((window as any).__m[i % 2], "*");
    }), i);
    console.log("sample", t.toFixed(1));
  }
  const { profile } = await cdp.send("Profiler.stop");
  const self = new Map<string, number>();
  const dt = profile.timeDeltas!; const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  const counts = new Map<number, number>();
  profile.samples!.forEach((id: number, i: number) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
  for (const [id, us] of counts) { const n: any = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + us); }
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`).join("\n"));
  await browser.close(); server.close();
})();
