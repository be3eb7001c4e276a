/**
 * The report's stylesheet. Colours come from VS Code's theme variables (so the page can be a
 * webview as is), each with a fallback for a plain browser, light or dark as the system prefers.
 */
export const REPORT_CSS = `
:root {
  --fb-bg: #ffffff; --fb-fg: #1f2328; --fb-muted: #59636e; --fb-border: #d1d9e0; --fb-link: #0969da;
  --fb-focus: #0969da; --fb-error: #cf222e; --fb-warning: #9a6700; --fb-info: #0969da; --fb-ok: #1a7f37;
  --fb-cell: #2da44e; --fb-cell-part: #bf8700; --fb-hover: #eef1f4; --fb-button-bg: #f6f8fa; --fb-pressed-bg: #0969da; --fb-pressed-fg: #ffffff;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fb-bg: #1e1e1e; --fb-fg: #d4d4d4; --fb-muted: #9d9d9d; --fb-border: #3c3c3c; --fb-link: #4daafc;
    --fb-focus: #0078d4; --fb-error: #f85149; --fb-warning: #cca700; --fb-info: #3794ff; --fb-ok: #89d185;
    --fb-cell: #3fb950; --fb-cell-part: #d29922; --fb-hover: #2a2d2e; --fb-button-bg: #313131; --fb-pressed-bg: #0078d4; --fb-pressed-fg: #ffffff;
  }
}
:root {
  --bg: var(--vscode-editor-background, var(--fb-bg));
  --fg: var(--vscode-editor-foreground, var(--fb-fg));
  --muted: var(--vscode-descriptionForeground, var(--fb-muted));
  --border: var(--vscode-panel-border, var(--fb-border));
  --link: var(--vscode-textLink-foreground, var(--fb-link));
  --focus: var(--vscode-focusBorder, var(--fb-focus));
  --error: var(--vscode-errorForeground, var(--fb-error));
  --warning: var(--vscode-editorWarning-foreground, var(--fb-warning));
  --info: var(--vscode-editorInfo-foreground, var(--fb-info));
  --ok: var(--vscode-testing-iconPassed, var(--fb-ok));
  --cell: var(--vscode-charts-green, var(--fb-cell));
  --cell-part: var(--vscode-charts-yellow, var(--fb-cell-part));
  --hover: var(--vscode-list-hoverBackground, var(--fb-hover));
  --button-bg: var(--vscode-button-secondaryBackground, var(--fb-button-bg));
  --button-fg: var(--vscode-button-secondaryForeground, var(--fg));
  --pressed-bg: var(--vscode-button-background, var(--fb-pressed-bg));
  --pressed-fg: var(--vscode-button-foreground, var(--fb-pressed-fg));
  --font: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  --mono: var(--vscode-editor-font-family, ui-monospace, "SF Mono", Menlo, Consolas, monospace);
}
* { box-sizing: border-box; }
body { margin: 0; padding: 0 24px 48px; background: var(--bg); color: var(--fg); font-family: var(--font); font-size: var(--vscode-font-size, 14px); line-height: 1.45; }
a { color: var(--link); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
h1 { font-size: 1.5em; margin: 16px 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
.muted { color: var(--muted); }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 10; }
nav.toc a { margin-right: 16px; }
.summary .count { font-weight: 600; margin-right: 12px; }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); } .sev-info, .sev-hint { color: var(--info); }
button { font: inherit; color: var(--button-fg); background: var(--button-bg); border: 1px solid var(--border); border-radius: 3px; padding: 2px 10px; cursor: pointer; }
button[aria-pressed="true"] { background: var(--pressed-bg); color: var(--pressed-fg); border-color: var(--pressed-bg); }
.filter { position: sticky; top: 0; z-index: 5; background: var(--bg); padding: 8px 0; border-bottom: 1px solid var(--border); display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.filter .label { font-weight: 600; margin-right: 4px; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--border); padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--hover); }
caption { text-align: left; padding: 4px 0; }
td.yes { color: var(--ok); } td.no { color: var(--error); font-weight: 600; }
tr.total td { font-weight: 600; }
details { margin: 4px 0; }
summary { cursor: pointer; }
ul.findings { list-style: none; padding-left: 16px; margin: 4px 0; }
ul.findings li { padding: 2px 0; }
.badge { display: inline-block; font-size: 0.8em; padding: 0 6px; border-radius: 8px; border: 1px solid currentColor; margin: 0 4px; }
.badge.new { color: var(--error); }
.file { font-family: var(--mono); }
#graph { position: relative; height: 420px; border: 1px solid var(--border); }
.__________cytoscape_container { position: relative; }
.grid-scroll { position: relative; overflow: auto; max-height: 480px; border: 1px solid var(--border); }
.grid-sizer { position: relative; }
.grid-cell, .grid-row, .grid-col, .grid-corner { position: absolute; }
.grid-cell { width: 20px; height: 20px; border-right: 1px solid var(--border); border-bottom: 1px solid var(--border); cursor: pointer; font-size: 10px; text-align: center; line-height: 19px; overflow: hidden; }
.grid-cell.allowed { background: var(--cell); }
.grid-cell.partial { background: var(--cell-part); }
.grid-cell.active { outline: 2px solid var(--focus); outline-offset: -2px; z-index: 2; }
.grid-row, .grid-col { background: var(--bg); font-family: var(--mono); font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; z-index: 3; }
.grid-row { width: 240px; height: 20px; line-height: 20px; padding-right: 6px; text-align: right; border-bottom: 1px solid var(--border); }
.grid-col { width: 20px; height: 140px; writing-mode: vertical-rl; transform: rotate(180deg); padding-top: 4px; border-left: 1px solid var(--border); }
.grid-corner { width: 240px; height: 140px; background: var(--bg); z-index: 4; padding: 4px; font-size: 11px; }
.legend span { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin: 0 4px 0 12px; border: 1px solid var(--border); }
.legend .l-all { background: var(--cell); } .legend .l-part { background: var(--cell-part); }
#why { border: 1px solid var(--border); padding: 8px 12px; margin-top: 8px; min-height: 3em; }
#why ul { margin: 4px 0; }
#why code, code { font-family: var(--mono); }
.verdict-allowed { color: var(--ok); font-weight: 600; } .verdict-denied { color: var(--error); font-weight: 600; }
`;
