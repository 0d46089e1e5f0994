// Markdown to safe HTML: `marked` renders (GitHub-flavoured, tables included) and DOMPurify
// removes anything that could run script (<script>, on* handlers, javascript: URLs...). Text
// from logs reaches the page only through this function or as plain text.
import DOMPurify from "dompurify";
import { marked } from "marked";

export function safeMarkdown(source: string, inline = false): string {
  const html = inline ? marked.parseInline(source, { async: false }) : marked.parse(source, { async: false, gfm: true });
  return DOMPurify.sanitize(html as string, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "button"] });
}
