"""Run axe-core in a Playwright page and fail on serious or critical WCAG 2.2 AA violations.

axe comes from node_modules (installed by .ci/build-assets.sh); it is never served by the app.
The app's CSP forbids inline scripts and eval, so axe is injected with page.evaluate(source):
Playwright evaluates through the DevTools protocol, which the page's CSP does not govern.
"""

from pathlib import Path

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

_RUN_AXE = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}"""


def axe_source():
    if not AXE_PATH.exists():
        raise FileNotFoundError(f"{AXE_PATH} is missing: run `bash .ci/build-assets.sh`")
    return AXE_PATH.read_text(encoding="utf-8")


def inject_axe(page):
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    if not page.evaluate("() => typeof window.axe === 'object'"):
        raise RuntimeError("axe-core did not load into the page")


def axe_violations(page):
    """Serious and critical WCAG 2.0-2.2 A/AA violations on the page as it is now."""
    inject_axe(page)
    violations = page.evaluate(_RUN_AXE, WCAG_TAGS)
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def format_violations(violations, where=""):
    lines = []
    for v in violations:
        lines.append(f"{where}[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


def assert_accessible(page):
    """Fail, listing each rule and the elements that break it, if axe finds a serious problem."""
    violations = axe_violations(page)
    report = format_violations(violations)
    assert not violations, f"axe found accessibility violations on {page.url}:\n{report}"
