// Server-rendered HTML of the dashboard: every value from data or people goes through `esc`
// before it becomes markup, the page works without JavaScript and has none.

/** Escapes text for HTML content and double-quoted attribute values. */
export function esc(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A full page: header with the signed-in address and sign-out, then `body`. */
export function page(title: string, body: string, user?: { email: string; csrf: string }): string {
  const nav =
    user === undefined
      ? ""
      : `<nav class="top"><a href="/">exec-intel</a><span class="who">${esc(user.email)}</span><form method="post" action="/sign-out"><input type="hidden" name="csrf" value="${esc(user.csrf)}"><button type="submit">Sign out</button></form></nav>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · exec-intel</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
${nav}
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** A table with a caption; cells are already-escaped HTML. */
export function table(caption: string, head: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return `<p class="muted">${esc(caption)}: none.</p>`;
  return `<div class="scroll" role="region" aria-label="${esc(caption)}" tabindex="0"><table><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
}

/** The dashboard's stylesheet (served as /assets/app.css: the CSP allows no inline style). */
export const APP_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f5f7fa}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:8px 0 16px}
h2{font-size:1.2rem;margin:24px 0 8px}
a{color:#0b5cad}
a:focus,button:focus,input:focus,select:focus,textarea:focus,[tabindex]:focus{outline:3px solid #f0b429;outline-offset:1px}
nav.top{display:flex;gap:12px;align-items:center;flex-wrap:wrap;padding:8px 16px;background:#243b53;color:#fff}
nav.top a{color:#fff;font-weight:700;text-decoration:none}
nav.top .who{margin-left:auto;font-size:.9rem}
nav.top form{margin:0}
button{font:inherit;padding:6px 12px;border:1px solid #334e68;border-radius:4px;background:#fff;color:#243b53;cursor:pointer}
input,select,textarea{font:inherit;padding:6px;border:1px solid #7b8794;border-radius:4px;max-width:100%}
label{display:block;margin:8px 0 4px;font-weight:600}
.muted{color:#52606d}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:12px;margin:0 0 12px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
.tile{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:12px}
.tile .value{font-size:1.4rem;font-weight:700}
.ok{color:#1e6b3a}.bad{color:#a61b1b}
.board{display:grid;grid-template-columns:1fr;gap:12px;align-items:start}
@media (min-width:900px){.board{grid-template-columns:repeat(5,minmax(180px,1fr))}}
.nowrap{white-space:nowrap}
td code{word-break:break-all}
.column{background:#e4e7eb;border-radius:6px;padding:8px}
.column h2{margin:4px 0 8px;font-size:1rem}
.task{background:#fff;border-radius:4px;padding:8px;margin:0 0 8px;border:1px solid #cbd2d9}
.task form{display:flex;gap:6px;flex-wrap:wrap;margin-top:6px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
caption{text-align:left;font-weight:700;padding:6px 0}
th,td{border-bottom:1px solid #d9e2ec;padding:6px 8px;text-align:left;vertical-align:top}
ul.links{padding-left:18px}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:end;margin-bottom:12px}
.filters label{margin:0}
svg.trend{display:block}
iframe.report{width:100%;height:80vh;border:1px solid #d9e2ec;border-radius:6px;background:#fff}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.notice{background:#fffbea;border:1px solid #f0b429;border-radius:6px;padding:12px}
@media (max-width:600px){main{padding:8px}h1{font-size:1.25rem}}
`;
