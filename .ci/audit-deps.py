"""Dependency and code checks for CI: pip-audit (known vulnerabilities) and bandit -ll.

Run with the project's virtualenv: `.venv/bin/python .ci/audit-deps.py` (`make audit-deps`).

- bandit over the application code: any medium or high finding fails.
- pip-audit over every package installed in .venv (the project itself skipped): any known
  vulnerability fails, except those listed with a reason in .ci/pip-audit-ignore.txt.

pip-audit asks PyPI's per-release JSON API (or OSV). Where neither answers (some mirrors serve
only the per-project JSON), pip-audit marks every package "not found" yet says "No known
vulnerabilities found". That is not a pass, so this script says plainly that the service could
not be reached, and checks what it still can: for each package installed at its latest release,
the per-project JSON lists that release's known vulnerabilities (found ones fail the run);
packages on an older release are listed as unchecked. Set AUDIT_DEPS_STRICT=1 to fail whenever
any package could not be audited.
"""

import json
import os
import subprocess  # nosec B404 # fixed programs from the virtualenv, argument lists
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IGNORE_FILE = ROOT / ".ci" / "pip-audit-ignore.txt"
BANDIT_PATHS = ["cdop_scr", "migrations", "config.py", "wsgi.py"]
PYPI_PROJECT = "https://pypi.org/pypi/{name}/json"


def run(args):
    # Fixed programs from the virtualenv, argument lists, no shell.
    return subprocess.run(  # noqa: S603  # nosec B603
        args, cwd=ROOT, capture_output=True, text=True, check=False)


def bandit():
    """Medium and high findings, as 'path:line id message'."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bandit.json"
        result = run([str(BIN / "bandit"), "-q", "-r", *BANDIT_PATHS, "-ll",
                      "-f", "json", "-o", str(out)])
        if not out.exists():
            raise SystemExit(f"bandit did not run: {result.stderr.strip()[-500:]}")
        report = json.loads(out.read_text())
    return [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}: "
            f"{r['issue_text']}" for r in report["results"]
            if r["issue_severity"] in ("MEDIUM", "HIGH")]


def ignored():
    """{vulnerability id: reason} from the exceptions file (`ID  # reason`, one a line)."""
    found = {}
    for line in IGNORE_FILE.read_text().splitlines():
        entry, _, reason = line.partition("#")
        if entry.strip():
            if not reason.strip():
                raise SystemExit(f"{IGNORE_FILE.name}: {entry.strip()} has no reason")
            found[entry.strip()] = reason.strip()
    return found


def pip_audit(service, exceptions):
    """(dependencies, error): pip-audit's JSON report of the virtualenv, or why it failed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pip-audit.json"
        args = [str(BIN / "pip-audit"), "--skip-editable", "--progress-spinner", "off",
                "--vulnerability-service", service, "-f", "json", "-o", str(out)]
        for vuln in exceptions:
            args += ["--ignore-vuln", vuln]
        result = run(args)
        if not out.exists():
            return None, (result.stderr.strip().splitlines() or ["no output"])[-1]
        return json.loads(out.read_text())["dependencies"], None


def latest_release_vulnerabilities(dependency):
    """(is the installed version the latest?, that release's vulnerability ids) from PyPI."""
    url = PYPI_PROJECT.format(name=dependency["name"])
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  # nosec B310 # https
            project = json.load(response)
    except (OSError, ValueError):
        return None, []
    if project["info"]["version"] != dependency["version"]:
        return False, []
    return True, [v["id"] for v in project.get("vulnerabilities") or []
                  if not v.get("withdrawn")]


def main():
    strict = os.environ.get("AUDIT_DEPS_STRICT") == "1"
    failed = False

    findings = bandit()
    for finding in findings:
        print(f"bandit: {finding}")
    print(f"bandit -ll: {len(findings)} medium or high findings")
    failed |= bool(findings)

    exceptions = ignored()
    for vuln, reason in exceptions.items():
        print(f"pip-audit exception: {vuln}: {reason}")
    deps, error = pip_audit("pypi", exceptions)
    if deps is None or any("skip_reason" in d for d in deps):
        deps_osv, error_osv = pip_audit("osv", exceptions)
        if deps_osv is not None and not any("skip_reason" in d for d in deps_osv):
            deps, error = deps_osv, None
        else:
            error = error or error_osv
    if deps is None:
        print(f"pip-audit could not run: {error}")
        print("RELIABILITY dependencies pip_audit_vulns=unknown pip_audit_unaudited=all "
              f"bandit_medium_high={len(findings)}")
        return 1

    # The project itself (installed editable) is not on PyPI: pip-audit skips it on purpose.
    deps = [d for d in deps if "editable" not in d.get("skip_reason", "")]
    vulns = [(d["name"], d["version"], v["id"]) for d in deps for v in d.get("vulns", [])]
    skipped = [d for d in deps if "skip_reason" in d]
    for name, version, vuln in vulns:
        print(f"pip-audit: {name} {version}: {vuln}")
    failed |= bool(vulns)
    figures = {"pip_audit_vulns": len(vulns)}
    if skipped:
        reason = f": {error.split(':')[0]}" if error else ""
        print(f"pip-audit could not reach a vulnerability service: {len(skipped)} of "
              f"{len(deps)} installed packages could not be audited (PyPI's per-release JSON "
              f"API said 'not found' and OSV did not answer{reason}). This is not a pass.")
        for d in skipped:  # pip-audit leaves the version only in the reason
            d["version"] = d["skip_reason"].rsplit("(", 1)[-1].rstrip(")")
        with ThreadPoolExecutor(8) as pool:
            checks = list(pool.map(latest_release_vulnerabilities, skipped))
        latest = [d for d, (is_latest, _) in zip(skipped, checks, strict=True) if is_latest]
        older = [f"{d['name']} {d['version']}"
                 for d, (is_latest, _) in zip(skipped, checks, strict=True) if not is_latest]
        latest_vulns = [(d["name"], d["version"], v)
                        for d, (_, ids) in zip(skipped, checks, strict=True)
                        for v in ids if v not in exceptions]
        for name, version, vuln in latest_vulns:
            print(f"PyPI lists a known vulnerability: {name} {version}: {vuln}")
        print(f"Checked instead with PyPI's per-project JSON: {len(latest)} packages are at "
              f"their latest release, which has {len(latest_vulns)} known vulnerabilities; "
              f"{len(older)} on an older release could not be checked"
              + (f": {', '.join(older)}" if older else "") + ".")
        failed |= bool(latest_vulns)
        failed |= strict
        figures = {"pip_audit_vulns": "unknown" if older else len(latest_vulns),
                   "pip_audit_unaudited": len(skipped), "latest_release_checked": len(latest),
                   "latest_release_vulns": len(latest_vulns), "older_unchecked": len(older)}
    else:
        print(f"pip-audit: {len(vulns)} known vulnerabilities in {len(deps)} packages")
    figures["bandit_medium_high"] = len(findings)
    print("RELIABILITY dependencies " + " ".join(f"{k}={v}" for k, v in figures.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
