/// The fixed parts of the HTML report: its policy, style sheet and scripts. None of them holds
/// anything from an input.
enum HTMLPageAssets {
    /// Nothing may load: no network, no fonts, no images; only the page's own inline style and script.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

    static let style = """

        :root{color-scheme:light;font-family:system-ui,sans-serif;font-size:15px;color:#1b1b1b;background:#fff}
        body{margin:0 auto;padding:0 1.5rem 3rem;max-width:80rem}
        h1{font-size:1.5rem;margin:1rem 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #ccc}
        h3{font-size:1rem;margin:1.5rem 0 .5rem;word-break:break-all}h3 small{font-weight:normal;color:#555}
        code,.source{font-family:ui-monospace,monospace;font-size:.9em}
        .verdict{font-weight:bold;margin:0}.verdict.pass{color:#176b2c}.verdict.fail{color:#a1161b}
        .counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}
        .counts div{border:1px solid #ccc;border-radius:4px;padding:.3rem .8rem;min-width:6rem}
        .counts dt{font-size:.8rem;color:#555}.counts dd{margin:0;font-size:1.3rem;font-weight:bold}
        table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:bold;padding:.3rem 0}
        th,td{border:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
        th{background:#f2f2f2;white-space:nowrap;word-break:normal}td.num{text-align:right;white-space:nowrap}
        .sev{font-weight:bold;white-space:nowrap}
        .s-fatal .sev,.s-error .sev{color:#a1161b}.s-warning .sev{color:#8a5a00}.s-information .sev{color:#1f4f99}
        .filter{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:.5rem 0}
        .filter fieldset{border:1px solid #ccc;margin:0;padding:.2rem .6rem}.filter legend{font-size:.8rem}
        .cap{background:#f4f4f4;border-left:4px solid #888;padding:.3rem .6rem}
        .source{border:1px solid #ccc;line-height:1.4;margin:.5rem 0}
        .l{display:flex;white-space:pre-wrap;word-break:break-all}
        .l .n{flex:0 0 4.5em;text-align:right;padding-right:.8em;color:#777;text-decoration:none;user-select:none}
        .l code{flex:1;font-size:1em}
        .l.mark.s-fatal,.l.mark.s-error{background:\(HTMLReportWriter.markColour(.error).hex)}
        .l.mark.s-warning{background:\(HTMLReportWriter.markColour(.warning).hex)}
        .l.mark.s-information{background:\(HTMLReportWriter.markColour(.information).hex)}
        .l .c{outline:2px solid #333;outline-offset:-1px}
        .l:target{box-shadow:inset 4px 0 #1b1b1b}
        .gap{color:#777;padding-left:5.3em;font-style:italic}
        ul.notes{list-style:none;margin:0;padding:.2rem .5rem .3rem 5.3em;font-family:system-ui,sans-serif;font-size:.9rem}
        ul.notes li{margin:.1rem 0}.at{color:#555}
        article.message>ul.notes{padding-left:.5rem}
        tr:target{outline:2px solid #1b1b1b}

        """

    /// Runs first: a script error anywhere marks the document, which a headless check can read.
    static let errorTrap = """
        window.addEventListener("error",function(e){document.documentElement.setAttribute("data-script-error",String(e.message))});
        """

    /// Shows the filter form and hides the issue rows that do not match it. Presets come from the
    /// address (`?severity=error,fatal&rule=…&q=…`); when done, `<html data-filter="ready">`.
    static let filterScript = """

        (function () {
          "use strict";
          var form = document.getElementById("filter");
          var table = document.getElementById("issue-table");
          if (!form || !table) { document.documentElement.setAttribute("data-filter", "none"); return; }
          var rows = Array.prototype.slice.call(table.tBodies[0].rows);
          var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
          var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=sev]"));
          var rule = document.getElementById("f-rule");
          var text = document.getElementById("f-text");
          var count = document.getElementById("f-count");
          var params = new URLSearchParams(window.location.search);
          if (params.has("severity")) {
            var wanted = params.get("severity").split(",");
            boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
          }
          if (params.has("rule")) { rule.value = params.get("rule"); }
          if (params.has("q")) { text.value = params.get("q"); }
          function apply() {
            var severities = {};
            boxes.forEach(function (b) { severities[b.value] = b.checked; });
            var r = rule.value, q = text.value.trim().toLowerCase(), shown = 0;
            rows.forEach(function (row, i) {
              var keep = severities[row.getAttribute("data-sev")] === true
                && (r === "" || row.getAttribute("data-rule") === r)
                && (q === "" || texts[i].indexOf(q) >= 0);
              row.hidden = !keep;
              if (keep) { shown += 1; }
            });
            count.value = shown + " of " + rows.length + " shown";
          }
          form.addEventListener("input", apply);
          form.addEventListener("change", apply);
          form.addEventListener("submit", function (e) { e.preventDefault(); });
          form.hidden = false;
          apply();
          document.documentElement.setAttribute("data-filter", "ready");
        })();

        """
}
