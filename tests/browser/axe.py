"""Run axe-core in a page (WCAG checks) and keep what matters: serious or critical."""
from __future__ import annotations


def axe_violations(page, axe_source: str) -> list[dict]:
    """Every axe violation on the page, printed for the test log."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}));
    }""")
    for violation in result:
        print(f"axe {violation['impact']}: {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            print("   ", node["target"], (node["summary"] or "").replace("\n", " "))
    return result


def serious_violations(page, axe_source: str) -> list[dict]:
    return [v for v in axe_violations(page, axe_source) if v["impact"] in ("serious", "critical")]
