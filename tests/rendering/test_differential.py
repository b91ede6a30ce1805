"""A differential run: our engines against handlebars.js 4.7 and ejs 3.1 on Node, over cases we did not write.

``differential.json`` holds template and data pairs from the engines' own test suites (handlebars.js' spec files,
the mustache spec, ejs' tests) and seeded, generated mail templates, each with what Node printed for it or the
fact that Node refused it (``scripts/regenerate_differential.sh`` remakes it). Every case must come out the same
here: the same text, or a refusal where Node refused. The few that cannot are in ``ALLOWED``, each tied to a
sentence of ``KNOWN_DIFFERENCES``; an allowed case that starts to match fails too, so that the list shrinks.

The engine modules are called directly (not ``render_template``): the run is about their semantics.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mailconsole.rendering import TemplateError, ejs, handlebars

DATA = Path(__file__).with_name("differential.json")
REGENERATE = "run scripts/regenerate_differential.sh"


def case_id(case: dict[str, Any]) -> str:
    """A name for a case that survives a regeneration: a digest of what is rendered."""
    what = [case["engine"], case["template"], case["context"], case.get("partials")]
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:10]


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["cases"]
    return cases


CASES = load_cases()

# Cases known to come out otherwise here, by case_id: the start of the KNOWN_DIFFERENCES sentence that explains.
# handlebars.js renders them; we refuse them with an error that says what to write instead.
ALLOWED: dict[str, str] = {
    "5dc4ee075c": "Names that hold a quote",  # spec/basic.js '{{"foo\'bar"}}'
    "2530e9b462": "Names that hold a quote",  # spec/basic.js "{{'foo\"bar'}}"
    "92f363014c": "Names that hold a quote",  # spec/security.js "{{'a\\b'}}"
}


def outcome(case: dict[str, Any]) -> tuple[str, str]:
    """("expected", output) or ("refused", message): what our engine does with the case."""
    try:
        if case["engine"] == "ejs":
            return "expected", ejs.render(case["template"], case["context"])
        return "expected", handlebars.render(case["template"], case["context"], case.get("partials"))
    except TemplateError as err:
        return "refused", str(err)


def is_identical(case: dict[str, Any], ours: tuple[str, str]) -> bool:
    if "refused" in case:
        return ours[0] == "refused"
    return ours == ("expected", case["expected"])


@pytest.mark.parametrize("case", CASES, ids=[f"{case['engine']}-{case_id(case)}" for case in CASES])
def test_case_comes_out_as_on_node(case: dict[str, Any]) -> None:
    ours = outcome(case)
    reason = ALLOWED.get(case_id(case))
    node = ("refused", case["refused"]) if "refused" in case else ("expected", case["expected"])
    if reason is None:
        assert is_identical(case, ours), f"{case['origin']}: {case['template']!r}\nNode: {node!r}\nours: {ours!r}"
    else:
        assert not is_identical(case, ours), f"{case_id(case)} now matches: take it out of ALLOWED"


def test_every_allowed_difference_is_a_known_one() -> None:
    ids = {case_id(case) for case in CASES}
    sentences = handlebars.KNOWN_DIFFERENCES + ejs.KNOWN_DIFFERENCES
    for key, reason in ALLOWED.items():
        assert key in ids, f"{key} is not a case any more: take it out of ALLOWED"
        assert sum(sentence.startswith(reason) for sentence in sentences) == 1, reason


def test_the_cases_come_from_every_source_and_were_recorded_with_the_platform_engines() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["engines"]["handlebars"] == "4.7.10" and data["engines"]["ejs"] == "3.1.10", REGENERATE
    vendored = Path(ejs.__file__).with_name("vendor") / "ejs.min.js"
    assert data["engines"]["ejs_min_js_sha256"] == hashlib.sha256(vendored.read_bytes()).hexdigest(), REGENERATE
    sources = Counter(case["origin"].split(" ")[0] for case in CASES)
    assert sources["handlebars.js"] >= 200 and sources["mustache"] >= 100 and sources["ejs"] >= 30
    assert sources["generated"] >= 500
    assert len({case_id(case) for case in CASES}) == len(CASES)


def test_count_identical_cases(capsys: pytest.CaptureFixture[str]) -> None:
    """The figure for the record: identical cases per engine (run with -s to see it)."""
    identical: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for case in CASES:
        total[case["engine"]] += 1
        identical[case["engine"]] += is_identical(case, outcome(case))
    with capsys.disabled():
        for engine in sorted(total):
            print(f"\ndifferential {engine}: {identical[engine]} of {total[engine]} identical", end="")
    allowed = Counter(case["engine"] for case in CASES if case_id(case) in ALLOWED)
    for engine in total:
        assert identical[engine] == total[engine] - allowed[engine]
