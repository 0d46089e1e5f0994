// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { safeMarkdown } from "./markdown";

describe("safeMarkdown", () => {
  it("renders tables and emphasis", () => {
    const html = safeMarkdown("**b**\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(html).toContain("<strong>b</strong>");
    expect(html).toContain("<table>");
  });
  it("removes scripts, handlers and javascript: links", () => {
    const html = safeMarkdown('<script>alert(1)</script><img src=x onerror="alert(2)">');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("onerror");
    expect(html).toContain("<img");
    const link = safeMarkdown("[x](javascript:alert(3)) and <a href=\"javascript:alert(4)\">y</a>");
    expect(link).not.toMatch(/href="javascript:/i);
  });
});
