// Classic XSS payloads for the untrusted-content test. None calls alert(): each, if it ever runs,
// stores its marker in `top.__xss`, so a test can tell which payload ran and where it was planted.

/** One payload: what it tries, and how to build it around a marker. */
export interface XssPayload {
  name: string;
  /** The payload text carrying `marker` in the code it would run. */
  make: (marker: string) => string;
  /**
   * Markdown syntax (links, images, autolinks): a handoff note is parsed as Markdown, which keeps
   * a link's text and drops its URL, so these can only travel through plain-text fields.
   */
  markdownSyntax?: true;
}

/** The script every payload runs: a regex literal, so no quote is needed in any context. */
export const run = (marker: string): string => `top.__xss=/${marker}/.source`;

/** At least 30 distinct classic payloads: tags, handlers, URLs, encodings and breakouts. */
export const XSS_PAYLOADS: readonly XssPayload[] = [
  { name: "script tag", make: (m) => `<script>${run(m)}</script>` },
  { name: "mixed-case script tag", make: (m) => `<ScRiPt>${run(m)}</sCrIpT>` },
  { name: "img onerror", make: (m) => `<img src=x onerror=${run(m)}>` },
  { name: "svg onload", make: (m) => `<svg onload=${run(m)}>` },
  { name: "script inside svg", make: (m) => `<svg><script>${run(m)}</script></svg>` },
  {
    name: "svg animate onbegin",
    make: (m) => `<svg><animate onbegin=${run(m)} attributeName=x dur=1s>`,
  },
  {
    name: "MathML namespace confusion",
    make: (m) => `<math><mtext><table><mglyph><style><img src=x onerror=${run(m)}>`,
  },
  { name: "iframe srcdoc", make: (m) => `<iframe srcdoc="<script>${run(m)}</script>"></iframe>` },
  {
    name: "iframe srcdoc, entity-encoded",
    make: (m) => `<iframe srcdoc="&lt;script&gt;${run(m)}&lt;/script&gt;"></iframe>`,
  },
  { name: "javascript: link", make: (m) => `<a href="javascript:${run(m)}">open</a>` },
  {
    name: "javascript: link, decimal entities",
    make: (m) =>
      `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${run(m)}">open</a>`,
  },
  {
    name: "javascript: link split by a tab entity",
    make: (m) => `<a href="jav&#x09;ascript:${run(m)}">open</a>`,
  },
  {
    name: "CSS url(javascript:)",
    make: (m) => `<div style="background:url(javascript:${run(m)})">x</div>`,
  },
  { name: "CSS expression()", make: (m) => `<div style="width:expression(${run(m)})">x</div>` },
  { name: "style @import", make: (m) => `<style>@import 'javascript:${run(m)}';</style>` },
  { name: "</style> breakout", make: (m) => `</style><script>${run(m)}</script>` },
  { name: "</title> breakout", make: (m) => `</title><script>${run(m)}</script>` },
  { name: "</textarea> breakout", make: (m) => `</textarea><img src=x onerror=${run(m)}>` },
  { name: "double-quoted attribute breakout", make: (m) => `"><script>${run(m)}</script>` },
  { name: "single-quoted attribute breakout", make: (m) => `'><img src=x onerror=${run(m)}>` },
  { name: "attribute injection without tags", make: (m) => `" autofocus onfocus="${run(m)}" x="` },
  { name: "HTML comment trick", make: (m) => `<!--<img src="--><img src=x onerror=${run(m)}>-->` },
  { name: "CDATA section", make: (m) => `<![CDATA[<script>${run(m)}</script>]]>` },
  { name: "nested broken tag", make: (m) => `<scr<script>ipt>${run(m)}</scr</script>ipt>` },
  { name: "unclosed tag", make: (m) => `<img src=x onerror=${run(m)}//` },
  {
    name: "noscript mutation",
    make: (m) => `<noscript><p title="</noscript><img src=x onerror=${run(m)}>">`,
  },
  { name: "body onload", make: (m) => `<body onload=${run(m)}>` },
  { name: "details ontoggle", make: (m) => `<details open ontoggle=${run(m)}>x</details>` },
  { name: "input autofocus onfocus", make: (m) => `<input autofocus onfocus=${run(m)}>` },
  { name: "video source onerror", make: (m) => `<video><source onerror=${run(m)}></video>` },
  { name: "object data javascript:", make: (m) => `<object data="javascript:${run(m)}"></object>` },
  { name: "embed src javascript:", make: (m) => `<embed src="javascript:${run(m)}">` },
  {
    name: "meta refresh to javascript:",
    make: (m) => `<meta http-equiv="refresh" content="0;url=javascript:${run(m)}">`,
  },
  { name: "base href javascript:", make: (m) => `<base href="javascript:${run(m)}//">` },
  {
    name: "form button formaction",
    make: (m) => `<form><button formaction=javascript:${run(m)}>go</button></form>`,
  },
  { name: "marquee onstart", make: (m) => `<marquee onstart=${run(m)}>x</marquee>` },
  {
    name: "unicode line separators around a script",
    make: (m) => `\u2028<script>${run(m)}</script>\u2029`,
  },
  { name: "null byte inside the tag name", make: (m) => `<scr\u0000ipt>${run(m)}</scr\u0000ipt>` },
  { name: "pre-escaped entities", make: (m) => `&lt;script&gt;${run(m)}&lt;/script&gt;` },
  { name: "percent-encoded script", make: (m) => `%3Cscript%3E${run(m)}%3C/script%3E` },
  {
    name: "Markdown link to javascript:",
    make: (m) => `[open](javascript:${run(m)})`,
    markdownSyntax: true,
  },
  {
    name: "Markdown link, mixed-case scheme",
    make: (m) => `[open](JaVaScRiPt:${run(m)})`,
    markdownSyntax: true,
  },
  {
    name: "Markdown image to javascript:",
    make: (m) => `![chart](javascript:${run(m)})`,
    markdownSyntax: true,
  },
  { name: "Markdown autolink", make: (m) => `<javascript:${run(m)}>`, markdownSyntax: true },
];

/**
 * A letters-only marker unique to a channel and a payload. It has capitals so it never matches a
 * slug or an upper-cased pattern derived from it: finding it proves the payload's own text arrived.
 */
export function marker(channel: string, index: number): string {
  const letter = (n: number) => String.fromCharCode(97 + (n % 26));
  return `Xss${channel.toUpperCase()}${letter(Math.floor(index / 26))}${letter(index)}`;
}

/** Every marker that can appear in a page (for "did anything run?" checks). */
export const MARKER_PATTERN = /Xss[A-Z][a-z]{2}/;
