// Screenshots of a panel as users see it: at the default and a narrow window width, in a light and a dark theme.
//
// Each shot is checked before it is saved (the workbench and every webview follow the theme; no webview page scrolls
// sideways), so a panel that breaks in one theme or width fails the suite instead of producing a bad picture.
// `KERNELLENS_UPDATE_DOCS=1` (npm run screenshots) also copies the README's pictures to docs/screenshots/.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { pollUntil, screenshot } from "./codeServer";

export type Theme = "light" | "dark";
export type Width = "default" | "narrow";

/** VS Code's own themes, so the pictures show what a new user sees. */
const THEME_NAMES: Record<Theme, string> = { light: "Default Light Modern", dark: "Default Dark Modern" };
/** The suite's window, and a small laptop's: the editor-area panels opened beside a file are about 330 px wide there. */
export const VIEWPORTS: Record<Width, { width: number; height: number }> = {
  default: { width: 1440, height: 900 },
  narrow: { width: 1024, height: 720 },
};

const repo = new URL("../..", import.meta.url).pathname;

/**
 * Switches the colour theme as a user does, through *Preferences: Color Theme*, and waits until the workbench has
 * redrawn in it. (A change written to the settings file is not picked up quickly enough by code-server.)
 */
export async function setTheme(page: Page, theme: Theme): Promise<void> {
  const dark = theme === "dark";
  const isDark = async (): Promise<boolean> => page.locator(".monaco-workbench").first().evaluate((el) => el.classList.contains("vs-dark"));
  if ((await isDark()) === dark) return;
  const input = page.locator(".quick-input-widget input");
  await page.keyboard.press("F1");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(">Preferences: Color Theme");
  const command = page.locator(".quick-input-widget .monaco-list-row", { hasText: "Preferences: Color Theme" }).first();
  await command.waitFor({ state: "visible", timeout: 10_000 });
  await command.click();
  // The theme picker replaces the command list in the same widget.
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: THEME_NAMES[theme] }).first();
  await pollUntil(`"${THEME_NAMES[theme]}" in the theme picker`, async () => {
    if ((await input.inputValue()) !== THEME_NAMES[theme]) await input.fill(THEME_NAMES[theme]);
    return row.isVisible();
  }, 10_000, 200);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10_000 });
  await pollUntil(`the workbench in the ${theme} theme`, async () => (await isDark()) === dark, 20_000, 100);
}

/** The frames that hold a webview's own page (two iframes deep), with the theme class VS Code gives their body. */
async function webviewPages(page: Page): Promise<{ frame: Frame; themeClass: string; overflow: number; title: string }[]> {
  const found: { frame: Frame; themeClass: string; overflow: number; title: string }[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const facts = await frame
      .evaluate(() => {
        const body = document.body as HTMLElement | null;
        if (!body || !body.hasAttribute("data-vscode-theme-kind")) return undefined;
        const root = document.documentElement;
        // Only a page that is laid out (a hidden webview has no width) can be judged.
        if (root.clientWidth === 0) return undefined;
        return {
          themeClass: [...body.classList].find((c) => /^vscode-(light|dark|high-contrast)/.test(c)) ?? "",
          overflow: root.scrollWidth - root.clientWidth,
          title: document.title,
        };
      })
      .catch(() => undefined);
    if (facts) found.push({ frame, ...facts });
  }
  return found;
}

export interface GalleryShot {
  theme: Theme;
  width: Width;
  path: string;
}

/**
 * Takes `name` at both widths in both themes (gallery-NAME-WIDTH-THEME.png), calling `check` before each shot, and
 * leaves the window at the default width in the light theme (the suite's own). Returns the shots' paths. `webview: false` for a picture of
 * the editor alone (by default at least one webview must be on screen).
 */
export async function gallery(
  page: Page,
  name: string,
  check?: (variant: { theme: Theme; width: Width }) => Promise<void>,
  options: { webview?: boolean } = {},
): Promise<GalleryShot[]> {
  const webview = options.webview ?? true;
  const shots: GalleryShot[] = [];
  try {
    for (const theme of ["light", "dark"] as const) {
      await setTheme(page, theme);
      for (const width of ["default", "narrow"] as const) {
        await page.setViewportSize(VIEWPORTS[width]);
        const expected = `vscode-${theme}`;
        // Webviews get the theme and their new size a moment after the workbench.
        const pages = await pollUntil(
          `every webview in the ${theme} theme at the ${width} width`,
          async () => {
            const all = await webviewPages(page);
            return (all.length > 0 || !webview) && all.every((p) => p.themeClass === expected) ? all : undefined;
          },
          20_000,
          100,
        );
        for (const p of pages) assert.ok(p.overflow <= 1, `${name} (${theme}, ${width}): the webview "${p.title}" scrolls sideways by ${p.overflow} px`);
        await check?.({ theme, width });
        shots.push({ theme, width, path: await screenshot(page, `gallery-${name}-${width}-${theme}`) });
      }
    }
  } finally {
    await page.setViewportSize(VIEWPORTS.default);
    await setTheme(page, "light");
  }
  return shots;
}

/** With KERNELLENS_UPDATE_DOCS=1, copies a screenshot to docs/screenshots/NAME.png, where the README shows it. */
export function keepForReadme(path: string, name: string): void {
  if (process.env.KERNELLENS_UPDATE_DOCS !== "1") return;
  const dir = join(repo, "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  copyFileSync(path, join(dir, `${name}.png`));
}
