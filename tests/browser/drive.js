/*
 * Drive headless Chromium through a list of steps, for the Python tests.
 *
 * Usage: node drive.js < steps.json
 *
 * The input is {"steps": [[operation, argument...], ...], "timeout_ms": N,
 * "viewport": {"width": N, "height": N}, "failure_screenshot": path}; all
 * but steps are optional.
 * Operations:
 *   ["goto", url]                   open url and wait for its load event
 *   ["wait", selector]              wait until selector is visible
 *   ["fill", selector, text]        replace the value of an input
 *   ["click", selector]             click the element
 *   ["wait_for", expression]        wait until a JS expression is truthy
 *   ["evaluate", name, expression]  store the expression's value as name
 *   ["text", name, selector]        store the element's inner text as name
 *   ["pause", milliseconds]         wait, e.g. for an animation to end
 *   ["screenshot", path]            save a PNG of the page
 *   ["screenshot_of", path, selector]  save a PNG of one element
 *
 * Prints one JSON object on stdout: {"ok": bool, "values": {name: value},
 * "error": str, "failed_step": [...], "console": [...], "blocked": [...]}.
 * A failing step stops the run, sets "ok" false and saves a screenshot to
 * failure_screenshot when given. The process still exits 0 so that the
 * caller reads the report. Requests
 * to any host but 127.0.0.1 are aborted and listed under "blocked".
 */
"use strict";

const fs = require("fs");
const { chromium } = require("playwright-core");

const CHROMIUM_PATH = process.env.LCC_CHROMIUM || "/usr/bin/chromium";
// The flags this project runs Chromium with; playwright-core adds a fresh
// temporary --user-data-dir itself.
const CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

function isLoopbackUrl(url) {
    if (!/^https?:/.test(url)) {
        return true; // data:, blob:, about: URLs leave no machine.
    }
    return new URL(url).hostname === "127.0.0.1";
}

async function runStep(page, step, values, timeout) {
    const [operation, ...args] = step;
    switch (operation) {
        case "goto":
            await page.goto(args[0], { waitUntil: "load", timeout });
            break;
        case "wait":
            await page.waitForSelector(args[0], { state: "visible", timeout });
            break;
        case "fill":
            await page.fill(args[0], args[1], { timeout });
            break;
        case "click":
            await page.click(args[0], { timeout });
            break;
        case "wait_for":
            await page.waitForFunction(args[0], null, { timeout });
            break;
        case "evaluate":
            values[args[0]] = await page.evaluate(args[1]);
            break;
        case "text":
            values[args[0]] = await page.innerText(args[1], { timeout });
            break;
        case "pause":
            await page.waitForTimeout(args[0]);
            break;
        case "screenshot":
            await page.screenshot({ path: args[0], fullPage: true });
            break;
        case "screenshot_of":
            await page.locator(args[1]).screenshot({ path: args[0], timeout });
            break;
        default:
            throw new Error(`unknown step operation ${JSON.stringify(operation)}`);
    }
}

async function main() {
    const input = JSON.parse(fs.readFileSync(0, "utf8"));
    const timeout = input.timeout_ms || 30000;
    const report = { ok: false, values: {}, console: [], blocked: [] };
    const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        timeout,
    });
    try {
        const viewport = input.viewport || { width: 1280, height: 900 };
        const context = await browser.newContext({ viewport });
        await context.route("**/*", (route) => {
            const url = route.request().url();
            if (isLoopbackUrl(url)) {
                return route.continue();
            }
            report.blocked.push(url);
            return route.abort("blockedbyclient");
        });
        const page = await context.newPage();
        page.on("console", (message) => {
            report.console.push(`${message.type()}: ${message.text()}`);
        });
        page.on("pageerror", (error) => {
            report.console.push(`pageerror: ${error.message}`);
        });
        for (const step of input.steps) {
            try {
                await runStep(page, step, report.values, timeout);
            } catch (error) {
                report.failed_step = step;
                report.error = String(error && error.message ? error.message : error);
                try {
                    report.page_text = await page.innerText("body", { timeout: 2000 });
                } catch (ignored) {
                    report.page_text = null;
                }
                if (input.failure_screenshot) {
                    await page.screenshot({ path: input.failure_screenshot, fullPage: true });
                }
                return report;
            }
        }
        report.ok = true;
        return report;
    } finally {
        await browser.close();
    }
}

main().then(
    (report) => {
        process.stdout.write(JSON.stringify(report) + "\n");
    },
    (error) => {
        process.stdout.write(
            JSON.stringify({ ok: false, error: String(error && error.stack ? error.stack : error) }) + "\n",
        );
    },
);
